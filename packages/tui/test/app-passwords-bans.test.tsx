import type { Key } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { resolveInput } from '../src/keys/keymap.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { FakeClient } from './fake-client.js';
import { boot, run } from './fixtures.js';

afterEach(() => cleanup());

const tick = () => new Promise((r) => setImmediate(r));
const NO_KEY = {} as Key;

function chat() {
  const client = new FakeClient();
  const store = createStore(run([{ type: 'resize', cols: 140, rows: 40 }], boot()));
  const actions = attachClient(client, store, { onQuit: () => {} });
  const keys = (raw: string, key: Partial<Key> = {}) => {
    const s = store.getState();
    const context = s.overlay ? s.overlay.kind : 'chat';
    for (const intent of resolveInput(raw, { ...NO_KEY, ...key } as Key, context)) handleIntent(intent, store, actions, () => {});
  };
  const frame = () => render(<ChatScreen state={store.getState()} now={0} />).lastFrame()!;
  return { client, store, actions, keys, frame };
}

const IRSSI = { id: 'ap1', name: 'irssi', createdAt: Date.UTC(2026, 0, 2, 3, 4), lastUsed: null, lastAddress: '' };
const WEECHAT = { id: 'ap2', name: 'weechat', createdAt: Date.UTC(2026, 0, 5), lastUsed: Date.UTC(2026, 0, 6, 7, 8), lastAddress: '10.0.0.5' };

describe('/apppassword on screen', () => {
  it('create shows the secret once with how to use it; closing the screen forgets it', async () => {
    const { client, store, actions, frame } = chat();
    actions.submit('/apppassword create irssi');
    expect(client.of('apppassword.create').map((r) => r.params)).toEqual([{ name: 'irssi' }]);
    client.of('apppassword.create')[0]!.resolve({ appPassword: IRSSI, secret: 'abcde-fghjk-mnpqr-stuvw' });
    await tick();
    const f = frame();
    expect(f).toContain('app password for irssi: abcde-fghjk-mnpqr-stuvw');
    expect(f).toContain('shown only now');
    expect(f).toContain('PASS me:password');
    store.dispatch({ type: 'overlay/close' });
    expect(JSON.stringify(store.getState())).not.toContain('abcde-fghjk');
  });

  it('list draws each one; revoke finds one by name or id; mistakes are said plainly', async () => {
    const { client, store, actions, frame } = chat();
    actions.submit('/apppassword list');
    client.of('apppassword.list')[0]!.resolve({ appPasswords: [IRSSI, WEECHAT] });
    await tick();
    const f = frame();
    expect(f).toContain('irssi · made 2026-01-02 03:04 · never used · id ap1');
    expect(f).toContain('weechat · made 2026-01-05 00:00 · last used 2026-01-06 07:08 from 10.0.0.5 · id ap2');
    store.dispatch({ type: 'overlay/close' });

    actions.submit('/apppassword revoke WeeChat');
    client.of('apppassword.list')[1]!.resolve({ appPasswords: [IRSSI, WEECHAT] });
    await tick();
    expect(client.of('apppassword.revoke').map((r) => r.params)).toEqual([{ appPasswordId: 'ap2' }]);
    client.of('apppassword.revoke')[0]!.resolve({ ok: true });
    await tick();
    expect(store.getState().flash?.text).toMatch(/revoked the app password weechat/);

    actions.submit('/apppassword revoke ap1');
    client.of('apppassword.list')[2]!.resolve({ appPasswords: [IRSSI] });
    await tick();
    expect(client.of('apppassword.revoke')[1]!.params).toEqual({ appPasswordId: 'ap1' });

    actions.submit('/apppassword revoke mutt');
    client.of('apppassword.list')[3]!.resolve({ appPasswords: [IRSSI] });
    await tick();
    expect(store.getState().flash).toMatchObject({ kind: 'error', text: expect.stringMatching(/no app password called mutt/) });
    expect(client.of('apppassword.revoke')).toHaveLength(2);

    actions.submit('/apppassword create');
    expect(store.getState().flash?.text).toMatch(/create NAME/);
    actions.submit('/apppassword frobnicate');
    expect(store.getState().flash?.text).toMatch(/create NAME, list, or revoke/);
    actions.submit('/apppassword create irssi');
    client.of('apppassword.create')[0]!.reject(new ProtocolError('CONFLICT', 'you already have an app password called irssi'));
    await tick();
    expect(store.getState().flash?.text).toMatch(/^\/apppassword create: .*already have/);
  });

  it('/sessions lists app passwords after the sessions; r on one revokes it', async () => {
    const { client, actions, keys, frame } = chat();
    const current = { id: 'f1', client: 'od 0.1.0', address: '10.0.0.2', firstSeen: Date.UTC(2026, 0, 2), lastSeen: Date.UTC(2026, 0, 3), current: true };
    actions.submit('/sessions');
    client.of('sessions.list')[0]!.resolve({ sessions: [current], appPasswords: [IRSSI] });
    await tick();
    expect(frame()).toContain('App passwords (IRC clients)');
    expect(frame()).toContain('irssi · made 2026-01-02 03:04 · never used');
    keys('', { downArrow: true });
    expect(frame()).toMatch(/> irssi · made/);
    keys('r');
    expect(client.of('apppassword.revoke').map((r) => r.params)).toEqual([{ appPasswordId: 'ap1' }]);
    expect(client.of('sessions.revoke')).toEqual([]);
    client.of('apppassword.revoke')[0]!.resolve({ ok: true });
    await tick();
    client.of('sessions.list')[1]!.resolve({ sessions: [current], appPasswords: [] });
    await tick();
    expect(frame()).toContain('revoked the app password irssi');
    expect(frame()).not.toContain('App passwords (IRC clients)');
  });
});

describe('/bans and /unban on screen', () => {
  it('lists the banned; /unban finds the nickname among them (they are no longer members)', async () => {
    const { client, store, actions, frame } = chat();
    actions.submit('/bans');
    client.of('member.bans')[0]!.resolve({ bans: [{ userId: 'u-eve', nickname: 'Eve' }] });
    await tick();
    expect(frame()).toContain('@Eve');
    expect(frame()).toContain('/unban @nick');
    store.dispatch({ type: 'overlay/close' });

    actions.submit('/unban @eve');
    client.of('member.bans')[1]!.resolve({ bans: [{ userId: 'u-eve', nickname: 'Eve' }] });
    await tick();
    expect(client.of('member.unban').map((r) => r.params)).toEqual([{ userId: 'u-eve' }]);
    client.of('member.unban')[0]!.resolve({ ok: true });
    await tick();
    expect(store.getState().flash?.text).toMatch(/unbanned @Eve/);

    actions.submit('/unban @mallory');
    client.of('member.bans')[2]!.resolve({ bans: [] });
    await tick();
    expect(store.getState().flash).toMatchObject({ kind: 'error', text: expect.stringMatching(/nobody called @mallory is banned/) });
    expect(client.of('member.unban')).toHaveLength(1);

    actions.submit('/bans');
    client.of('member.bans')[3]!.reject(new ProtocolError('FORBIDDEN', 'you need the manage_members permission to list bans'));
    await tick();
    expect(store.getState().flash?.text).toMatch(/^\/bans: .*manage_members/);
  });

  it('/role rename sends role.update with the new name', () => {
    const { client, actions } = chat();
    actions.submit('/role rename mods stewards');
    expect(client.of('role.update').map((r) => r.params)).toEqual([{ roleId: 'role-mod', name: 'stewards' }]);
  });
});
