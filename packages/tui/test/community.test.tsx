import type { ClientEvent, Room } from '@open-discord/protocol';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { complete } from '../src/commands/complete.js';
import { parseLine, type Parsed } from '../src/commands/parse.js';
import { resolveArgs } from '../src/commands/resolve.js';
import { buildRequest } from '../src/commands/to-request.js';
import { attachClient } from '../src/controllers/index.js';
import { reducer } from '../src/state/reducer.js';
import { nickColor } from '../src/state/roles/nick-color.js';
import { roomView } from '../src/state/messages/selectors.js';
import { authorOf, roleRows } from '../src/state/roles/roles.js';
import { orderedRooms, roomGroups } from '../src/state/rooms/selectors.js';
import { createStore } from '../src/state/store.js';
import type { AppState } from '../src/state/app-state.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { ALICE, BOB, ME, boot, live, msg, snapshot } from './fixtures.js';
import { FakeClient } from './fake-client.js';

afterEach(() => cleanup());

const secret: Room = { id: 'r-sec', name: 'secret', topic: '', kind: 'text', categoryId: 'c-work', position: 2, restrictedTo: ['role-mod'] };
const ev = (order: number, type: string, data: unknown): ClientEvent =>
  ({ type, order, id: `e${order}`, roomId: null, actorId: ME, createdAt: 0, data }) as ClientEvent;
const accessChanged = (s: AppState, rooms: Room[]) =>
  reducer(s, { type: 'snapshot', state: snapshot({ rooms, readMarkers: {}, unread: {} }), reason: 'access-changed' });
const baseRooms = snapshot().rooms;

describe('access-changed snapshots', () => {
  it('drop rooms that became hidden; if the current one goes, move to the first visible room and say so', () => {
    let s = boot({ rooms: [...baseRooms, secret] });
    s = reducer(s, { type: 'room/select', roomId: 'r-sec' });
    s = reducer(s, { type: 'input/insert', text: 'half-typed secret' });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(5)], end: true });
    s = accessChanged(s, baseRooms);
    expect(s.world!.rooms['r-sec']).toBeUndefined();
    expect(roomView(s, 'r-sec')).toBeUndefined();
    expect(orderedRooms(s).map((r) => r.name)).toEqual(['general', 'dev', 'ops']);
    expect(s.currentRoomId).toBe('r-gen');
    expect(s.flash).toMatchObject({ kind: 'info', text: '#secret is no longer visible to you — now in #general' });
    // The text typed for the hidden room is not left ready to send to another room, nor kept as a draft.
    expect(s.input.text).toBe('');
    expect(s.drafts['r-sec']).toBeUndefined();
    // Rooms still visible keep what was loaded: the event stream stayed complete.
    expect(roomView(s, 'r-gen')!.messages.map((m) => m.order)).toEqual([5]);
  });

  it('a hidden room that is not current disappears with a notice, the current room stays', () => {
    let s = boot({ rooms: [...baseRooms, secret] });
    s = reducer(s, { type: 'input/insert', text: 'still here' });
    s = accessChanged(s, baseRooms);
    expect(s.currentRoomId).toBe('r-gen');
    expect(s.input.text).toBe('still here');
    expect(s.flash?.text).toBe('no longer visible: #secret');
  });

  it('rooms that became visible appear in their place with the counts from the snapshot', () => {
    let s = boot();
    s = reducer(s, {
      type: 'snapshot',
      state: snapshot({ rooms: [...baseRooms, secret], unread: { 'r-sec': { count: 4, mentions: 1 } } }),
      reason: 'access-changed',
    });
    expect(roomGroups(s).map((g) => [g.name, g.rooms.map((r) => r.name)])).toEqual([
      [null, ['general']],
      ['work', ['dev', 'ops', 'secret']],
    ]);
    expect(roomView(s, 'r-sec')).toMatchObject({ unread: 4, mentions: 1, messages: [], end: false });
    expect(s.flash?.text).toBe('now visible: #secret');
  });

  it('the glue loads the history of rooms that became visible', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    attachClient(client, store, { onQuit: () => {}, historyPage: 50 });
    client.emit('snapshot', snapshot({ rooms: [...baseRooms, secret] }), 'access-changed');
    const loads = client.of('history').map((r) => r.params);
    expect(loads).toContainEqual({ roomId: 'r-sec', limit: 50 });
    expect(roomView(store.getState(), 'r-sec')!.loading).toBe(true);
    // Not for rooms that were there already, and not twice.
    expect(loads.filter((p) => (p as { roomId: string }).roomId === 'r-sec')).toHaveLength(1);
    expect(loads.some((p) => (p as { roomId: string }).roomId === 'r-dev')).toBe(false);
  });

  it('a room opened to us arrives as its own update first: it appears, is announced, and its history loads', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    attachClient(client, store, { onQuit: () => {}, historyPage: 50 });
    client.emit('event', ev(11, 'room.updated', { room: { ...secret, restrictedTo: null } }));
    expect(store.getState().flash).toMatchObject({ kind: 'info', text: 'now visible: #secret' });
    // The access.changed snapshot that follows says we are in it (we had joined it before it was hidden):
    // its history loads then, once.
    client.emit('snapshot', snapshot({ rooms: [...baseRooms, secret] }), 'access-changed');
    expect(client.of('history').map((r) => r.params)).toContainEqual({ roomId: 'r-sec', limit: 50 });
    expect(client.of('history').filter((r) => (r.params as { roomId: string }).roomId === 'r-sec')).toHaveLength(1);
    expect(store.getState().flash?.text).toBe('now visible: #secret');
  });

  it('a new room loads no history: there is none', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    attachClient(client, store, { onQuit: () => {} });
    client.emit('event', ev(11, 'room.created', { room: { ...secret, restrictedTo: null } }));
    expect(client.of('history').some((r) => (r.params as { roomId: string }).roomId === 'r-sec')).toBe(false);
    expect(store.getState().flash).toBeNull();
  });

  it('an access change that leaves no room at all', () => {
    const s = accessChanged(boot(), []);
    expect(s.currentRoomId).toBeNull();
    expect(s.flash?.text).toBe('#general is no longer visible to you; no longer visible: #dev #ops');
  });
});

describe('categories and room order, as the server announces them', () => {
  it('room.move arrives as room.updated events; categories reorder by position', () => {
    let s = boot();
    s = reducer(s, { type: 'event', event: ev(11, 'category.created', { category: { id: 'c-fun', name: 'fun', position: 1 } }) });
    // /room move #general fun 0, then the old place is renumbered.
    s = reducer(s, { type: 'event', event: ev(12, 'room.updated', { room: { ...baseRooms[0]!, categoryId: 'c-fun', position: 0 } }) });
    // /room move #ops work 0
    s = reducer(s, { type: 'event', event: ev(13, 'room.updated', { room: { ...baseRooms[2]!, position: 0 } }) });
    s = reducer(s, { type: 'event', event: ev(14, 'room.updated', { room: { ...baseRooms[1]!, position: 1 } }) });
    expect(roomGroups(s).map((g) => [g.name, g.rooms.map((r) => r.name)])).toEqual([
      ['work', ['ops', 'dev']],
      ['fun', ['general']],
    ]);
    s = reducer(s, { type: 'event', event: ev(15, 'category.updated', { category: { id: 'c-fun', name: 'fun', position: 0 } }) });
    s = reducer(s, { type: 'event', event: ev(16, 'category.updated', { category: { id: 'c-work', name: 'work', position: 1 } }) });
    expect(orderedRooms(s).map((r) => r.name)).toEqual(['general', 'ops', 'dev']);
    // Alt+1 follows the new order.
    s = reducer(s, { type: 'room/index', index: 1 });
    expect(s.currentRoomId).toBe('r-ops');
  });

  it('deleting a category makes its rooms uncategorised even before their updates arrive', () => {
    const s = reducer(boot(), { type: 'event', event: ev(11, 'category.deleted', { categoryId: 'c-work' }) });
    expect(s.world!.rooms['r-dev']!.categoryId).toBeNull();
    expect(roomGroups(s).map((g) => g.name)).toEqual([null]);
  });
});

describe('role colours and /role list', () => {
  const roles = [
    { id: 'role-owner', name: 'owner', color: null, position: 100, permissions: ['manage_rooms' as const], builtin: true },
    { id: 'role-mod', name: 'mods', color: '#c678dd', position: 10, permissions: [], builtin: false },
    { id: 'role-vip', name: 'vip', color: '#ffd700', position: 20, permissions: ['mention_everyone' as const], builtin: false },
    { id: 'everyone', name: 'everyone', color: null, position: 0, permissions: ['create_rooms' as const], builtin: true },
  ];
  const users = [
    { id: ME, nickname: 'me', color: null, roles: ['role-owner'] },
    { id: ALICE, nickname: 'alice', color: null, roles: ['role-mod', 'role-vip'] },
    { id: BOB, nickname: 'bob', color: '#61afef', roles: ['role-mod'] },
  ];

  it('a user without a colour of their own takes their highest coloured role’s', () => {
    let s = boot({ roles, users });
    expect(authorOf(s.world!, ALICE).color).toBe('#ffd700');
    expect(authorOf(s.world!, BOB).color).toBe('#61afef');
    // A role losing its colour falls through to the next one.
    s = reducer(s, { type: 'event', event: ev(11, 'role.updated', { role: { ...roles[2]!, color: null } }) });
    expect(authorOf(s.world!, ALICE).color).toBe('#c678dd');
    // A deleted role leaves its holders; with no coloured role left, the hashed colour returns.
    s = reducer(s, { type: 'event', event: ev(12, 'role.deleted', { roleId: 'role-mod' }) });
    expect(s.world!.users[ALICE]!.roles).toEqual(['role-vip']);
    expect(authorOf(s.world!, ALICE).color).toBe(nickColor(ALICE, null));
  });

  it('lists roles highest first with colours, members and permissions, live', () => {
    let s = boot({ roles, users });
    expect(roleRows(s.world).map((r) => [r.name, r.color, r.members, r.permissions.join(' ')])).toEqual([
      ['owner', null, 1, 'manage_rooms'],
      ['vip', '#ffd700', 1, 'mention_everyone'],
      ['mods', '#c678dd', 2, ''],
      ['everyone', null, 'all', 'create_rooms'],
    ]);
    s = reducer(s, { type: 'overlay/roles' });
    const f = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(f).toContain('roles, highest first');
    // Positions first: they are what /role move takes.
    expect(f).toMatch(/20\s+vip\s+#ffd700\s+1\s+mention_everyone/);
    expect(f).toMatch(/10\s+mods\s+#c678dd\s+2\s+\(none\)/);
    expect(f).toMatch(/0\s+everyone\s+—\s+all\s+create_rooms \(built-in\)/);
  });

  it('/role list opens the overlay; Esc closes it', () => {
    const client = new FakeClient();
    const store = createStore(boot({ roles, users }));
    const actions = attachClient(client, store, { onQuit: () => {} });
    actions.submit('/role list');
    expect(store.getState().overlay).toEqual({ kind: 'roles', scroll: 0 });
    expect(client.requests.filter((r) => r.type !== 'history' && r.type !== 'inbox.list')).toEqual([]);
  });
});

describe('issue-4 commands', () => {
  const world = boot({ rooms: [...baseRooms, secret] });
  const ctx = { currentRoomId: 'r-gen', nonce: () => 'nonce-1' };
  function toRequest(line: string) {
    const p = parseLine(line) as Extract<Parsed, { kind: 'command' }>;
    if (p.kind !== 'command') return p;
    const r = resolveArgs(world.world!, p.spec, p.args);
    return r.ok ? buildRequest(p.spec, r.args, ctx) : r;
  }

  it('role commands', () => {
    expect(toRequest('/role create helpers')).toEqual({ ok: true, type: 'role.create', params: { name: 'helpers' } });
    expect(toRequest('/role create helpers teal')).toEqual({ ok: true, type: 'role.create', params: { name: 'helpers', color: '#2aa198' } });
    expect(toRequest('/role create helpers #00ff00')).toEqual({ ok: true, type: 'role.create', params: { name: 'helpers', color: '#00ff00' } });
    expect(toRequest('/role delete MODS')).toEqual({ ok: true, type: 'role.delete', params: { roleId: 'role-mod' } });
    expect(toRequest('/role grant @alice mods')).toEqual({ ok: true, type: 'role.grant', params: { userId: ALICE, roleId: 'role-mod' } });
    expect(toRequest('/role revoke bob owner')).toEqual({ ok: true, type: 'role.revoke', params: { userId: BOB, roleId: 'role-owner' } });
    expect(toRequest('/role perms mods -manage_rooms')).toEqual({ ok: true, type: 'role.update', params: { roleId: 'role-mod', remove: ['manage_rooms'] } });
    expect(parseLine('/role list')).toMatchObject({ kind: 'command', spec: { name: 'role', sub: 'list', request: 'client' } });
    expect(parseLine('/role perms mods')).toEqual({ kind: 'error', message: 'usage: /role perms <role> <changes…>' });
  });

  it('category commands, with multi-word names', () => {
    expect(toRequest('/category create Side projects')).toEqual({ ok: true, type: 'category.create', params: { name: 'Side projects' } });
    expect(toRequest('/category rename WORK Day job')).toEqual({ ok: true, type: 'category.update', params: { categoryId: 'c-work', name: 'Day job' } });
    expect(toRequest('/category delete work')).toEqual({ ok: true, type: 'category.delete', params: { categoryId: 'c-work' } });
    expect(toRequest('/category create none')).toEqual({ ok: false, message: '"none" means uncategorised: choose another category name' });
  });

  it('room commands', () => {
    expect(toRequest('/room move #general work')).toEqual({ ok: true, type: 'room.move', params: { roomId: 'r-gen', categoryId: 'c-work' } });
    expect(toRequest('/room move general None 0')).toEqual({ ok: true, type: 'room.move', params: { roomId: 'r-gen', categoryId: null, position: 0 } });
    expect(toRequest('/room restrict #secret mods')).toEqual({ ok: true, type: 'room.restrict', params: { roomId: 'r-sec', roleIds: ['role-mod'] } });
    expect(toRequest('/room open #secret')).toEqual({ ok: true, type: 'room.open', params: { roomId: 'r-sec' } });
    expect(toRequest('/room delete #ops')).toEqual({ ok: true, type: 'room.delete', params: { roomId: 'r-ops' } });
    expect(toRequest('/room move #general work first')).toEqual({ ok: false, message: '"first" is not a whole number' });
  });

  it('moderation commands', () => {
    expect(toRequest('/kick @bob')).toEqual({ ok: true, type: 'member.kick', params: { userId: BOB } });
    expect(toRequest('/ban alice')).toEqual({ ok: true, type: 'member.ban', params: { userId: ALICE } });
    expect(toRequest('/delete 01HZX')).toEqual({ ok: true, type: 'message.delete', params: { messageId: '01HZX' } });
  });

  it('clear errors for unknown nicknames, roles and categories', () => {
    expect(toRequest('/role grant @nobody mods')).toEqual({ ok: false, message: 'no one here is called "nobody"' });
    expect(toRequest('/role grant alice wizards')).toEqual({ ok: false, message: 'no role "wizards" — roles are owner, mods' });
    expect(toRequest('/room restrict #secret mods wizards')).toEqual({ ok: false, message: 'no role "wizards" — roles are owner, mods' });
    expect(toRequest('/room move #general play')).toEqual({ ok: false, message: 'no category "play" — categories are work, none (uncategorised)' });
    expect(toRequest('/role perms mods +fly')).toMatchObject({ ok: false, message: expect.stringContaining('perms are create_rooms manage_rooms') });
  });

  it('Tab completes permissions with their sign, and category "none"', () => {
    expect(complete(world.world!, '/role perms mods +man', 21)?.candidates).toEqual(['+manage_rooms ', '+manage_roles ', '+manage_members ', '+manage_invites ', '+manage_own_rooms ']);
    expect(complete(world.world!, '/role perms mods +manage_rooms -mod', 35)?.candidates).toEqual(['-moderate_messages ']);
    expect(complete(world.world!, '/room move #general n', 21)?.candidates).toEqual(['none ']);
    expect(complete(world.world!, '/room restrict #secret m', 24)?.candidates).toEqual(['mods ']);
    expect(complete(world.world!, '/category delete w', 18)?.candidates).toEqual(['work ']);
  });

  it('a failed command shows the server’s reason', async () => {
    const client = new FakeClient();
    const store = createStore(reducer(world, live));
    const actions = attachClient(client, store, { onQuit: () => {} });
    actions.submit('/role grant alice mods');
    const req = client.of('role.grant')[0]!;
    req.reject(new Error('you cannot grant a role at or above your own'));
    await new Promise((r) => setImmediate(r));
    expect(store.getState().flash).toMatchObject({ kind: 'error', text: '/role grant: you cannot grant a role at or above your own' });
  });
});
