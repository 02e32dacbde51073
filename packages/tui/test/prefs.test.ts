import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, saveServerPrefs, validateConfig } from '../src/config/config-file.js';
import { attachClient } from '../src/controllers/index.js';
import { visiblePane } from '../src/state/messages/selectors.js';
import { roomView } from '../src/state/messages/selectors.js';
import { reducer } from '../src/state/reducer.js';
import { orderedRooms } from '../src/state/rooms/selectors.js';
import { createStore } from '../src/state/store.js';
import { formatTime } from '../src/wrap/message-lines.js';
import type { ClientEvent } from '@open-discord/protocol';
import { ALICE, BOB, boot, created, ME, msg, T0 } from './fixtures.js';
import { FakeClient } from './fake-client.js';

const rows = (s: ReturnType<typeof boot>) => visiblePane(s).lines.map((l) => l.segments.map((x) => x.text).join(''));

function chat() {
  const client = new FakeClient();
  const store = createStore(boot());
  const actions = attachClient(client, store, { onQuit: () => {} });
  return { client, store, actions };
}

describe('/part, /mute, /ignore (issue 8, item 19)', () => {
  it('/part leaves the room on the server and it leaves the list; /join brings it back', async () => {
    const { client, store, actions } = chat();
    const membership = (order: number, type: 'room.joined' | 'room.left'): ClientEvent =>
      ({ type, order, id: `e${order}`, roomId: 'r-gen', actorId: ME, createdAt: T0, data: { roomId: 'r-gen', userId: ME } }) as ClientEvent;
    actions.submit('/part');
    const part = client.of('room.part');
    expect(part.map((r) => r.params)).toEqual([{ roomId: 'r-gen' }]);
    // The server's event comes before its reply.
    store.dispatch({ type: 'event', event: membership(11, 'room.left') });
    part[0]!.resolve({ ok: true });
    await new Promise((r) => setImmediate(r));
    expect(store.getState().currentRoomId).toBe('r-dev');
    expect(orderedRooms(store.getState()).map((r) => r.id)).toEqual(['r-dev', 'r-ops']);
    actions.submit('/join general');
    expect(store.getState().currentRoomId).toBe('r-gen');
    expect(client.of('room.join').map((r) => r.params)).toEqual([{ roomId: 'r-gen' }]);
    store.dispatch({ type: 'event', event: membership(12, 'room.joined') });
    expect(orderedRooms(store.getState()).map((r) => r.id)).toEqual(['r-gen', 'r-dev', 'r-ops']);
    // Joined again: its history is loaded afresh (what was sent meanwhile never reached us).
    expect(client.of('history').filter((r) => (r.params as { roomId: string }).roomId === 'r-gen')).toHaveLength(1);
  });

  it('/mute drops the unread count and the bell of a room, once the server has it (every device follows)', () => {
    const { client, store, actions } = chat();
    actions.submit('/mute dev');
    expect(client.of('room.settings').map((r) => r.params)).toEqual([{ roomId: 'r-dev', muted: true }]);
    const settings = { roomId: 'r-dev', muted: true, level: null, localName: null };
    store.dispatch({ type: 'event', event: { type: 'room.settings.changed', order: 11, id: 'e11', roomId: 'r-dev', actorId: ME, createdAt: T0, data: { settings } } });
    store.dispatch({ type: 'event', event: created(msg(12, { roomId: 'r-dev', mentions: ['u-me'] })) });
    expect(roomView(store.getState(), 'r-dev')?.unread).toBe(0);
    expect(store.getState().bell).toBe(0);
  });

  it('/ignore hides a member\'s messages behind a count', () => {
    const { store, actions } = chat();
    for (const [o, who] of [[11, ALICE], [12, BOB], [13, BOB], [14, ALICE]] as const) store.dispatch({ type: 'event', event: created(msg(o, { authorId: who })) });
    actions.submit('/ignore bob');
    expect(store.getState().prefs.ignored).toEqual([BOB]);
    const shown = rows(store.getState()).join('\n');
    expect(shown).toContain('message 11');
    expect(shown).toContain('· 2 messages from ignored or blocked members hidden');
    expect(shown).not.toContain('message 12');
    actions.submit('/unignore bob');
    expect(rows(store.getState()).join('\n')).toContain('message 12');
  });
});

describe('the config file', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'od-config-'));

  it('sets the timestamp format and colours', () => {
    const c = validateConfig({ timestampFormat: 'h:mm A', colors: { ruler: 'magenta', mention: '#ff8800' } });
    expect(c.look.colors).toMatchObject({ ruler: 'magenta', mention: '#ff8800', timestamp: 'gray' });
    const s = reducer(boot(), { type: 'prefs/look', look: c.look });
    const at = new Date(T0);
    at.setHours(15, 7);
    const withMsg = reducer(s, { type: 'event', event: created(msg(11, { createdAt: at.getTime() })) });
    expect(rows(withMsg).join('\n')).toContain('3:07 PM alice message 11');
    expect(formatTime(at.getTime())).toBe('15:07');
  });

  it('sets how pictures are drawn, or leaves it to the terminal', () => {
    expect(validateConfig({ images: 'sixel' }).images).toBe('sixel');
    expect(validateConfig({ images: 'iTerm2' }).images).toBe('iterm');
    expect(validateConfig({}).images).toBeUndefined();
  });

  it('names the place of every mistake', () => {
    expect(() => validateConfig({ colours: {} })).toThrow('colours: unknown setting');
    expect(() => validateConfig({ colors: { ruler: 'reddish' } })).toThrow(/colors\.ruler: "reddish" is not a colour/);
    expect(() => validateConfig({ timestampFormat: 'yyyy' })).toThrow(/timestampFormat: must be/);
    expect(() => validateConfig({ servers: { home: { hidden: 'r1' } } })).toThrow('servers.home.hidden: must be a list of ids');
    expect(() => validateConfig({ images: 'png' })).toThrow('images: must be one of kitty, sixel, iterm, blocks, off');
    expect(() => validateConfig({ images: 3 })).toThrow(/images: must be one of/);
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'config.json'), '{ "colors": ');
    expect(() => loadConfig(dir)).toThrow(ConfigError);
  });

  it('keeps per-server choices beside what the person wrote', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ timestampFormat: 'HH:mm:ss' }));
    saveServerPrefs(dir, 'home:4000', { hidden: ['r1'], muted: [], ignored: ['u9'] });
    const c = loadConfig(dir);
    expect(c.look.timestampFormat).toBe('HH:mm:ss');
    expect(c.servers['home:4000']).toEqual({ hidden: ['r1'], muted: [], ignored: ['u9'] });
    expect(fs.statSync(path.join(dir, 'config.json')).mode & 0o777).toBe(0o600);
  });
});
