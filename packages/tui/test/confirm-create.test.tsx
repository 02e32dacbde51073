import { LIMITS } from '@open-discord/protocol';
import type { Key } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { helpScreen } from '../src/commands/help.js';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { resolveInput } from '../src/keys/keymap.js';
import { pasteParts } from '../src/state/overlay/paste-parts.js';
import { maxOverlayScroll } from '../src/state/overlay/scroll.js';
import { reducer } from '../src/state/reducer.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { BOB, boot } from './fixtures.js';
import { FakeClient } from './fake-client.js';

afterEach(() => cleanup());
const settle = () => new Promise((r) => setImmediate(r));
const NO_KEY = {} as Key;

/** The real controllers over a fake client, and keys pressed through the real keymap. */
function chat(state = boot()) {
  const client = new FakeClient();
  const store = createStore(state);
  const actions = attachClient(client, store, { onQuit: () => {} });
  const press = (input: string, key: Partial<Key> = {}) => {
    for (const intent of resolveInput(input, { ...NO_KEY, ...key }, store.getState().overlay?.kind ?? 'chat')) {
      handleIntent(intent, store, actions, () => {});
    }
  };
  return { client, store, actions, press };
}

describe('destructive commands ask first', () => {
  it('/room delete asks y/N; Enter (the default) cancels and sends nothing', () => {
    const { client, store, actions, press } = chat();
    actions.submit('/room delete dev');
    expect(store.getState().overlay).toMatchObject({ kind: 'confirm', question: 'Delete #dev and all its messages?' });
    expect(render(<ChatScreen state={store.getState()} now={0} />).lastFrame()).toContain('y yes · N no');
    press('', { return: true });
    expect(store.getState().overlay).toBeNull();
    expect(store.getState().flash?.text).toBe('cancelled: nothing was changed');
    expect(client.of('room.delete')).toEqual([]);
  });

  it('y sends it, and says what happened', async () => {
    const { client, store, actions, press } = chat();
    actions.submit('/ban bob');
    expect(store.getState().overlay).toMatchObject({ kind: 'confirm', question: expect.stringContaining('Ban bob?') });
    press('x'); // ignored: only y or n answer
    expect(store.getState().overlay?.kind).toBe('confirm');
    press('y');
    expect(client.of('member.ban').map((r) => r.params)).toEqual([{ userId: BOB }]);
    client.of('member.ban')[0]!.resolve({ ok: true });
    await settle();
    expect(store.getState().flash?.text).toBe('/ban: bob is banned');
  });

  it('/role delete asks too; n cancels', () => {
    const { client, store, actions, press } = chat();
    actions.submit('/role delete mods');
    expect(store.getState().overlay).toMatchObject({ kind: 'confirm', question: 'Delete the role mods? Its members lose it.' });
    press('n');
    expect(store.getState().overlay).toBeNull();
    expect(client.of('role.delete')).toEqual([]);
  });

  it('the reducer keeps the pending command as data', () => {
    const s = reducer(boot(), { type: 'overlay/confirm', question: 'q?', command: { spec: { name: 'ban', args: [], help: '', request: 'member.ban' }, params: { userId: BOB }, roomId: 'r-gen' } });
    expect(s.overlay).toMatchObject({ kind: 'confirm', command: { params: { userId: BOB } } });
  });
});

describe('/create staff --role mods', () => {
  it('creates the room already restricted, in one request (it is never public for a moment)', async () => {
    const { client, actions } = chat();
    actions.submit('/create staff --role mods');
    expect(client.of('room.create').map((r) => r.params)).toEqual([{ name: 'staff', restrictedTo: ['role-mod'] }]);
    client.of('room.create')[0]!.resolve({ room: { id: 'r-staff', name: 'staff' } });
    await settle();
    expect(client.of('room.restrict')).toEqual([]);
  });
});

describe('a paste longer than one message', () => {
  const lines = Array.from({ length: 200 }, (_, i) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(48)}`);
  const big = lines.join('\n');

  it('is cut on line boundaries into parts that each fit', () => {
    expect(big.length).toBeGreaterThan(11_000);
    const parts = pasteParts(big);
    expect(parts.length).toBe(3);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(LIMITS.maxMessageLength);
    expect(parts.join('\n')).toBe(big);
    // A single line past the limit is cut too, at a space when there is one.
    const long = pasteParts(`${'word '.repeat(1000)}end`);
    expect(long.every((p) => p.length <= LIMITS.maxMessageLength)).toBe(true);
    expect(long.join(' ').replace(/\s+/g, ' ')).toBe(`${'word '.repeat(1000)}end`);
  });

  it('the question says so before sending; Enter sends each part with its own nonce', () => {
    const { client, store, press } = chat();
    press(big + '\n');
    const f = render(<ChatScreen state={store.getState()} now={0} />).lastFrame()!;
    expect(f).toContain('too long for one message');
    expect(f).toContain('Enter sends them as 3 messages');
    press('', { return: true });
    const sends = client.of('message.send').map((r) => r.params as { text: string; nonce: string });
    expect(sends).toHaveLength(3);
    expect(new Set(sends.map((s) => s.nonce)).size).toBe(3);
    expect(sends.map((s) => s.text).join('\n')).toBe(big);
  });

  it('a typed line past the limit is offered the same way; Esc gives it back', () => {
    const { client, store, actions, press } = chat();
    const long = 'word '.repeat(1000).trim();
    actions.submit(long);
    expect(client.of('message.send')).toEqual([]);
    expect(store.getState().overlay).toMatchObject({ kind: 'paste', text: long });
    press('', { escape: true });
    expect(store.getState().input.text).toBe(long);
  });

  it('a short paste is still one message', () => {
    const { client, store, press } = chat();
    press('one\ntwo\n');
    expect(render(<ChatScreen state={store.getState()} now={0} />).lastFrame()).toContain('Send these 2 lines as one message?');
    press('', { return: true });
    expect(client.of('message.send').map((r) => (r.params as { text: string }).text)).toEqual(['one\ntwo']);
  });
});

describe('/help and /role list on a small terminal', () => {
  it('/help scrolls with the arrows and PgUp/PgDn, within its range', () => {
    const { store, actions, press } = chat(boot());
    store.dispatch({ type: 'resize', cols: 80, rows: 14 });
    actions.submit('/help');
    const frame = () => render(<ChatScreen state={store.getState()} now={0} />).lastFrame()!;
    expect(frame()).toContain('/help [command]');
    expect(frame()).toMatch(/↓ \d+ more/);
    press('', { downArrow: true });
    expect(store.getState().overlay).toMatchObject({ scroll: 1 });
    expect(frame()).not.toContain('/help [command]');
    const end = maxOverlayScroll(store.getState());
    // As many pages as the help has (it grows with the commands), and a few more: it stops at its end.
    for (let i = 0; i < Math.ceil(end / 4) + 5; i++) press('', { pageDown: true });
    expect(store.getState().overlay).toMatchObject({ scroll: end });
    // The last row of the help is on screen (its start: long rows are cut to the box).
    expect(frame()).toContain(helpScreen().at(-1)!.slice(0, 12));
    press('', { pageUp: true });
    expect((store.getState().overlay as { scroll: number }).scroll).toBeLessThan(end);
  });

  it('/help role names every permission', () => {
    const text = helpScreen('role').join('\n');
    for (const p of ['create_rooms', 'manage_rooms', 'manage_roles', 'manage_members', 'moderate_messages', 'mention_everyone']) {
      expect(text).toContain(p);
    }
  });

  it('/role list shows positions and wraps permissions instead of cutting them', () => {
    const all = ['create_rooms', 'manage_rooms', 'manage_roles', 'manage_members', 'moderate_messages', 'mention_everyone'] as const;
    let s = boot({ roles: [{ id: 'role-admin', name: 'admin', color: null, position: 90, permissions: [...all], builtin: true }] });
    s = reducer(reducer(s, { type: 'resize', cols: 70, rows: 20 }), { type: 'overlay/roles' });
    const f = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(f).toMatch(/pos\s+name/);
    expect(f).toMatch(/90\s+admin/);
    for (const p of all) expect(f).toContain(p);
  });
});
