import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent, Room, RoomSettings } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { roomView, visiblePane } from '../src/state/messages/selectors.js';
import { roomGroups, roomLabel } from '../src/state/rooms/selectors.js';
import { selectedMessage } from '../src/state/selection/selection.js';
import { createStore } from '../src/state/store.js';
import { ALICE, BOB, boot, created, ME, msg, snapshot, T0 } from './fixtures.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { FakeClient } from './fake-client.js';

afterEach(() => cleanup());

// od and direct/group chats, personal room settings and read receipts, driven through the controllers with a
// hand-driven client: the requests each command sends, and what the screen shows once the events arrive.

const dm: Room = { id: 'r-dm', name: '', topic: '', kind: 'dm', categoryId: null, position: 0, restrictedTo: null, members: [ME, BOB].sort() };
const group: Room = { id: 'r-grp', name: 'trip', topic: '', kind: 'group', categoryId: null, position: 0, restrictedTo: null, members: [ME, ALICE, BOB].sort() };
const base = snapshot();
const withChats = () => boot({ rooms: [...base.rooms, dm, group], joined: [...base.joined, dm.id, group.id] });

function chat(state = withChats()) {
  const client = new FakeClient();
  const store = createStore(state);
  const actions = attachClient(client, store, { onQuit: () => {} });
  return { client, store, actions };
}

const ev = (order: number, e: Pick<ClientEvent, 'type' | 'data'> & { roomId?: string | null; actorId?: string }): ClientEvent =>
  ({ order, id: `e${order}`, roomId: e.roomId ?? null, actorId: e.actorId ?? ME, createdAt: T0, type: e.type, data: e.data }) as ClientEvent;
const settingsEvent = (order: number, settings: RoomSettings) => ev(order, { type: 'room.settings.changed', roomId: settings.roomId, data: { settings } });
const tick = () => new Promise((r) => setImmediate(r));
const rows = (s: ReturnType<typeof withChats>) => visiblePane(s).lines.map((l) => l.segments.map((x) => x.text).join(''));

describe('direct and group chats in od', () => {
  it('/msg opens the direct chat (or reuses it), goes there and sends', async () => {
    const { client, store, actions } = chat(boot());
    actions.submit('/msg @bob "hi" there');
    const open = client.of('dm.open');
    expect(open.map((r) => r.params)).toEqual([{ userId: BOB }]);
    // The server's room.created (bob opened nothing: I did) comes before the reply.
    store.dispatch({ type: 'event', event: ev(11, { type: 'room.created', roomId: dm.id, data: { room: dm } }) });
    open[0]!.resolve({ room: dm });
    await tick();
    expect(store.getState().currentRoomId).toBe(dm.id);
    expect(client.of('message.send').map((r) => r.params)).toEqual([{ roomId: dm.id, text: '"hi" there', nonce: expect.any(String) }]);
    actions.submit('/msg me hello');
    expect(store.getState().flash?.text).toMatch(/someone else/);
    actions.submit('/msg nobody hello');
    expect(store.getState().flash?.text).toMatch(/no one here is called "nobody"/);
  });

  it('a chat someone else opens shows in the direct section under their nickname, or my own name for it', () => {
    const { store } = chat(boot());
    store.dispatch({ type: 'event', event: ev(11, { type: 'room.created', roomId: dm.id, actorId: BOB, data: { room: dm } }) });
    store.dispatch({ type: 'event', event: ev(12, { type: 'room.created', roomId: group.id, actorId: ALICE, data: { room: group } }) });
    const direct = roomGroups(store.getState()).find((g) => g.id === 'dm');
    expect(direct?.rooms.map((r) => roomLabel(store.getState(), r.id))).toEqual(['bob', 'trip']);
    store.dispatch({ type: 'event', event: settingsEvent(13, { roomId: group.id, muted: false, level: null, localName: 'holiday' }) });
    expect(roomLabel(store.getState(), group.id)).toBe('holiday');
  });

  it('/group create, add, remove, rename and topic send their requests; /leave leaves a group only', async () => {
    const { client, store, actions } = chat();
    actions.submit('/group create trip alice @bob');
    expect(client.of('group.create').map((r) => r.params)).toEqual([{ name: 'trip', userIds: [ALICE, BOB] }]);
    store.dispatch({ type: 'room/select', roomId: group.id });
    actions.submit('/group remove bob');
    actions.submit('/group add bob');
    actions.submit('/group rename big trip');
    actions.submit('/group topic where to?');
    expect(client.of('group.remove').map((r) => r.params)).toEqual([{ roomId: group.id, userId: BOB }]);
    expect(client.of('group.add').map((r) => r.params)).toEqual([{ roomId: group.id, userId: BOB }]);
    expect(client.of('group.update').map((r) => r.params)).toEqual([{ roomId: group.id, name: 'big trip' }, { roomId: group.id, topic: 'where to?' }]);

    actions.submit('/group admin alice');
    actions.submit('/group unadmin @alice');
    expect(client.of('group.admin').map((r) => r.params)).toEqual([
      { roomId: group.id, userId: ALICE, admin: true },
      { roomId: group.id, userId: ALICE, admin: false },
    ]);

    actions.submit('/leave');
    const leave = client.of('group.remove')[1]!;
    expect(leave.params).toEqual({ roomId: group.id, userId: ME });
    leave.resolve({ ok: true });
    await tick();
    expect(store.getState().flash?.text).toBe('left #trip');
    store.dispatch({ type: 'room/select', roomId: dm.id });
    actions.submit('/leave');
    expect(store.getState().flash?.text).toMatch(/cannot be left/);
    store.dispatch({ type: 'room/select', roomId: 'r-gen' });
    actions.submit('/leave');
    expect(store.getState().flash?.text).toMatch(/\/part leaves it/);
  });
});

describe('personal settings in od', () => {
  it('/mute, /notify and /rename-local change the settings on the server; /notify default sets the defaults', () => {
    const { client, actions, store } = chat();
    store.dispatch({ type: 'room/select', roomId: dm.id });
    actions.submit('/notify mentions');
    actions.submit('/notify reset');
    actions.submit('/rename-local Bobby B');
    actions.submit('/rename-local');
    actions.submit('/mute');
    actions.submit('/unmute dev');
    expect(client.of('room.settings').map((r) => r.params)).toEqual([
      { roomId: dm.id, level: 'mentions' },
      { roomId: dm.id, level: null },
      { roomId: dm.id, localName: 'Bobby B' },
      { roomId: dm.id, localName: null },
      { roomId: dm.id, muted: true },
      { roomId: 'r-dev', muted: false },
    ]);
    actions.submit('/notify default chats none');
    expect(client.of('notify.defaults').map((r) => r.params)).toEqual([{ chats: 'none' }]);
    actions.submit('/notify loud');
    expect(store.getState().flash?.text).toMatch(/usage: \/notify/);
    actions.submit('/notify default everything all');
    expect(store.getState().flash?.text).toMatch(/usage: \/notify default/);
  });

  it('chats ring on every message, text rooms on mentions; a quiet room never rings and shows no count', () => {
    const { store } = chat();
    const bell = () => store.getState().bell;
    store.dispatch({ type: 'event', event: created(msg(11, { roomId: 'r-dev' })) });
    expect(bell()).toBe(0);
    store.dispatch({ type: 'event', event: created(msg(12, { roomId: 'r-dev', mentions: [ME] })) });
    expect(bell()).toBe(1);
    store.dispatch({ type: 'event', event: created(msg(13, { roomId: dm.id, authorId: BOB })) });
    expect(bell()).toBe(2);
    store.dispatch({ type: 'event', event: settingsEvent(14, { roomId: dm.id, muted: false, level: 'none', localName: null }) });
    store.dispatch({ type: 'event', event: created(msg(15, { roomId: dm.id, authorId: BOB, mentions: [ME] })) });
    expect(bell()).toBe(2);
    // The count is kept exact; only the badge is hidden.
    expect(store.getState().world!.unread[dm.id]).toEqual({ count: 2, mentions: 1 });
    expect(roomView(store.getState(), dm.id)?.unread).toBe(0);
  });
});

describe('read receipts and looking without reading in od', () => {
  it('shows "seen by" under the last message each other member has read', () => {
    const { store } = chat();
    store.dispatch({ type: 'room/select', roomId: group.id });
    for (const o of [11, 12, 13]) store.dispatch({ type: 'event', event: created(msg(o, { roomId: group.id, text: `line ${o}` })) });
    store.dispatch({ type: 'event', event: ev(14, { type: 'read.receipt', roomId: group.id, actorId: BOB, data: { roomId: group.id, userId: BOB, order: 12 } }) });
    store.dispatch({ type: 'event', event: ev(15, { type: 'read.receipt', roomId: group.id, actorId: ALICE, data: { roomId: group.id, userId: ALICE, order: 12 } }) });
    const shown = rows(store.getState());
    const at = shown.findIndex((l) => l.includes('line 12'));
    expect(shown[at + 1]).toBe('  seen by alice, bob');
    expect(shown.filter((l) => l.includes('seen by'))).toHaveLength(1);
    // A text room shows no receipts.
    store.dispatch({ type: 'room/select', roomId: 'r-gen' });
    expect(rows(store.getState()).some((l) => l.includes('seen by'))).toBe(false);
  });

  it('/peek stops read markers for the room until it is toggled off; /unread marks it unread and peeks', () => {
    const { client, store, actions } = chat();
    store.dispatch({ type: 'room/select', roomId: dm.id });
    actions.submit('/peek');
    store.dispatch({ type: 'event', event: created(msg(11, { roomId: dm.id, authorId: BOB })) });
    expect(client.of('read.mark')).toEqual([]);
    actions.submit('/peek');
    expect(client.of('read.mark').map((r) => r.params)).toEqual([{ roomId: dm.id, order: 11 }]);
    actions.submit('/unread');
    expect(client.of('read.unmark').map((r) => r.params)).toEqual([{ roomId: dm.id, order: 11 }]);
    expect(store.getState().peeking[dm.id]).toBe(true);
    store.dispatch({ type: 'event', event: ev(12, { type: 'read.unmarked', roomId: dm.id, data: { roomId: dm.id, order: 10 } }) });
    store.dispatch({ type: 'event', event: created(msg(13, { roomId: dm.id, authorId: BOB })) });
    expect(client.of('read.mark')).toHaveLength(1);
    expect(store.getState().world!.readMarkers[dm.id]).toBe(10);
  });
});

describe('blocking and handing a group on in od', () => {
  it('/block asks the server; once its event arrives the user\'s messages are hidden, never ring, and selection skips them', async () => {
    const { client, store, actions } = chat();
    store.dispatch({ type: 'room/select', roomId: group.id });
    for (const [o, who] of [[11, ALICE], [12, BOB], [13, ALICE]] as const) store.dispatch({ type: 'event', event: created(msg(o, { roomId: group.id, authorId: who })) });
    actions.submit('/block @bob');
    const req = client.of('user.block');
    expect(req.map((r) => r.params)).toEqual([{ userId: BOB, blocked: true }]);
    // Nothing is hidden until the server says so (every device of mine hears the same event).
    expect(rows(store.getState()).join('\n')).toContain('message 12');
    store.dispatch({ type: 'event', event: ev(14, { type: 'user.blocked', data: { userId: BOB, blocked: true } }) });
    req[0]!.resolve({ blocked: [BOB] });
    await tick();
    expect(store.getState().flash?.text).toMatch(/^blocked bob/);
    const shown = rows(store.getState()).join('\n');
    expect(shown).not.toContain('message 12');
    expect(shown).toContain('· 1 message from ignored or blocked members hidden');
    const bell = store.getState().bell;
    store.dispatch({ type: 'event', event: created(msg(15, { roomId: dm.id, authorId: BOB })) });
    expect(store.getState().bell).toBe(bell);
    store.dispatch({ type: 'select/enter', start: 'last' });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(selectedMessage(store.getState())?.id ?? '');
      store.dispatch({ type: 'select/move', delta: -1 });
    }
    expect(seen).toEqual(['m13', 'm11', 'm11']);
    store.dispatch({ type: 'select/leave' });
    actions.submit('/blocked');
    expect(store.getState().flash?.text).toBe('blocked: bob');
    actions.submit('/unblock bob');
    expect(client.of('user.block').map((r) => r.params)[1]).toEqual({ userId: BOB, blocked: false });
    store.dispatch({ type: 'event', event: ev(16, { type: 'user.blocked', data: { userId: BOB, blocked: false } }) });
    expect(rows(store.getState()).join('\n')).toContain('message 12');
    actions.submit('/block me');
    expect(store.getState().flash?.text).toBe('you cannot block yourself');
    actions.submit('/blocked');
    expect(store.getState().flash?.text).toBe('you have blocked no one');
  });

  it('a block list in state hides from the start; /group owner hands the group on', async () => {
    const { client, store, actions } = chat(boot({ rooms: [...base.rooms, dm, group], joined: [...base.joined, dm.id, group.id], blocked: [BOB] }));
    store.dispatch({ type: 'room/select', roomId: group.id });
    store.dispatch({ type: 'event', event: created(msg(11, { roomId: group.id, authorId: BOB })) });
    expect(rows(store.getState()).join('\n')).not.toContain('message 11');
    actions.submit('/group owner @alice');
    const req = client.of('group.transfer');
    expect(req.map((r) => r.params)).toEqual([{ roomId: group.id, userId: ALICE }]);
    req[0]!.resolve({ room: { ...group, owner: ALICE } });
    await tick();
    expect(store.getState().flash?.text).toBe('alice now owns #trip');
    store.dispatch({ type: 'room/select', roomId: dm.id });
    actions.submit('/group owner alice');
    expect(store.getState().flash?.text).toBe('go to a group chat first');
  });
});

describe('the chat screen with chats', () => {
  it('lists chats in their own section by nickname or group name, and shows who has seen what', () => {
    const { store } = chat();
    store.dispatch({ type: 'room/select', roomId: group.id });
    store.dispatch({ type: 'history/loaded', roomId: group.id, messages: [msg(11, { roomId: group.id, text: 'shall we?' })], end: true });
    store.dispatch({ type: 'event', event: ev(12, { type: 'read.receipt', roomId: group.id, actorId: BOB, data: { roomId: group.id, userId: BOB, order: 11 } }) });
    const f = render(<ChatScreen state={store.getState()} now={0} />).lastFrame()!;
    expect(f).toContain('DIRECT MESSAGES');
    expect(f).toMatch(/\d #bob/);
    expect(f).toMatch(/\d #trip/);
    expect(f).toMatch(/alice shall we\?/);
    expect(f).toContain('seen by bob');
  });
});
