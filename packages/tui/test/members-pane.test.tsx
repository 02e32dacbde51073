import { render, cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { layoutOf } from '../src/state/layout.js';
import { memberPaneMaxScroll, memberPaneRows } from '../src/state/members/member-pane-rows.js';
import { initialState, reducer } from '../src/state/reducer.js';
import type { AppState } from '../src/state/app-state.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import type { Line } from '../src/wrap/lines.js';
import { FakeClient } from './fake-client.js';
import { ALICE, BOB, ME, run, snapshot, T0 } from './fixtures.js';

afterEach(() => cleanup());

const text = (l: Line) => l.segments.map((s) => s.text).join('');

const membership = (order: number, type: 'room.joined' | 'room.left', userId: string, roomId = 'r-gen'): ClientEvent => ({
  type,
  order,
  id: `e${order}`,
  roomId,
  actorId: userId,
  createdAt: T0,
  data: { roomId, userId },
});

/** #general on screen, `cols` wide; alice a mod with a status text, bob away; the list open with me and alice. */
function withList(cols: number): AppState {
  const users = snapshot().users.map((u) => (u.id === ALICE ? { ...u, roles: ['role-mod'], statusText: 'on call' } : u));
  let s = run([{ type: 'snapshot', state: snapshot({ users }), reason: 'initial' }, { type: 'status', status: { state: 'live' } }], initialState(cols, 24));
  s = reducer(s, { type: 'presence/all', users: [{ userId: ME, status: 'online' }, { userId: ALICE, status: 'online' }, { userId: BOB, status: 'away' }] });
  s = reducer(s, { type: 'members/open', roomId: 'r-gen' });
  return reducer(s, { type: 'members/loaded', roomId: 'r-gen', userIds: [ME, ALICE] });
}

/** #general on screen, `cols` wide, its list open with sixty members besides me and alice: more than 24 rows hold. */
function longList(cols: number): AppState {
  const extra = Array.from({ length: 60 }, (_, i) => ({ id: `u-x${String(i).padStart(2, '0')}`, nickname: `member${String(i).padStart(2, '0')}`, color: null, roles: [] }));
  let s = run([{ type: 'snapshot', state: snapshot({ users: [...snapshot().users, ...extra] }), reason: 'initial' }, { type: 'status', status: { state: 'live' } }], initialState(cols, 24));
  s = reducer(s, { type: 'members/open', roomId: 'r-gen' });
  return reducer(s, { type: 'members/loaded', roomId: 'r-gen', userIds: [ME, ALICE, ...extra.map((u) => u.id)] });
}

describe('member list (reducer)', () => {
  it('opens loading, fills in with the answer, and drops an answer about another room', () => {
    let s = run([{ type: 'snapshot', state: snapshot(), reason: 'initial' }], initialState(120, 24));
    s = reducer(s, { type: 'members/open', roomId: 'r-gen' });
    expect(s.members).toEqual({ roomId: 'r-gen', userIds: null, error: null, scroll: 0 });
    expect(reducer(s, { type: 'members/loaded', roomId: 'r-dev', userIds: [ME] })).toBe(s);
    s = reducer(s, { type: 'members/loaded', roomId: 'r-gen', userIds: [ME, BOB, ME] });
    expect(s.members!.userIds).toEqual([ME, BOB]);
    s = reducer(s, { type: 'members/failed', roomId: 'r-gen', error: 'members: offline' });
    expect(s.members!.error).toBe('members: offline');
    // Asked again for the same room: the list stays until the answer comes, the error goes.
    const again = reducer(s, { type: 'members/open', roomId: 'r-gen' });
    expect(again.members).toEqual({ roomId: 'r-gen', userIds: [ME, BOB], error: null, scroll: 0 });
    expect(reducer(s, { type: 'members/close' }).members).toBeNull();
    // A room the world does not know is not opened.
    expect(reducer(s, { type: 'members/open', roomId: 'r-nowhere' })).toBe(s);
  });

  it('follows joins and leaves of its room, and only of its room', () => {
    let s = withList(120);
    s = reducer(s, { type: 'event', event: membership(11, 'room.joined', BOB) });
    expect(s.members!.userIds).toEqual([ME, ALICE, BOB]);
    s = reducer(s, { type: 'event', event: membership(12, 'room.joined', BOB) });
    expect(s.members!.userIds).toEqual([ME, ALICE, BOB]);
    s = reducer(s, { type: 'event', event: membership(13, 'room.left', ALICE) });
    expect(s.members!.userIds).toEqual([ME, BOB]);
    const other = reducer(s, { type: 'event', event: membership(14, 'room.left', BOB, 'r-dev') });
    expect(other.members).toBe(s.members);
  });

  it('groups by presence with counts, top role and status text, and says how many do not fit', () => {
    let s = withList(120);
    s = reducer(s, { type: 'members/loaded', roomId: 'r-gen', userIds: [ME, ALICE, BOB] });
    const rows = memberPaneRows(s.world!, s.members!, 30, 20).map(text);
    expect(rows).toEqual(['Online — 2', '● alice mods', '  on call', '● me', 'Away — 1', '◐ bob']);
    const short = memberPaneRows(s.world!, s.members!, 30, 4).map(text);
    expect(short).toEqual(['Online — 2', '● alice mods', '  on call', '↓ 2 more · Alt+PgUp/PgDn']);
    // Scrolled: from that row on; at the end it says how many are above, in between both.
    const max = memberPaneMaxScroll(s.world!, s.members!, 4);
    expect(max).toBe(3);
    const mid = reducer(s, { type: 'members/scroll', lines: 2, max });
    expect(memberPaneRows(mid.world!, mid.members!, 40, 4).map(text)).toEqual(['  on call', '● me', 'Away — 1', '↑ 1 · ↓ 1 more · Alt+PgUp/PgDn']);
    const down = reducer(s, { type: 'members/scroll', lines: 3, max });
    expect(memberPaneRows(down.world!, down.members!, 30, 4).map(text)).toEqual(['● me', 'Away — 1', '◐ bob', '↑ 1 · Alt+PgUp/PgDn']);
    // Past the end the scroll stops there, so one step back up moves at once.
    const far = reducer(s, { type: 'members/scroll', lines: 50, max });
    expect(far.members!.scroll).toBe(max);
    expect(reducer(far, { type: 'members/scroll', lines: -1, max }).members!.scroll).toBe(max - 1);
    expect(reducer(far, { type: 'members/scroll', lines: -99, max }).members!.scroll).toBe(0);
    // A list that fits does not scroll at all.
    expect(memberPaneMaxScroll(s.world!, s.members!, 20)).toBe(0);
    // Narrow: every row is cut to the width.
    expect(memberPaneRows(s.world!, s.members!, 5, 20).every((l) => text(l).length <= 5)).toBe(true);
    // A user the world no longer knows (removed meanwhile) is left out.
    s = reducer(s, { type: 'members/loaded', roomId: 'r-gen', userIds: [ME, 'u-gone'] });
    expect(memberPaneRows(s.world!, s.members!, 30, 20).map(text)).toEqual(['Online — 1', '● me']);
  });

  it('sits beside the chat from 100 columns, over it below', () => {
    const wide = layoutOf(withList(120));
    expect(wide.membersWidth).toBeGreaterThan(0);
    expect(wide.membersOverlay).toBe(false);
    expect(wide.sidebarWidth + 1 + wide.paneWidth + 1 + wide.membersWidth).toBe(120);
    const narrow = layoutOf(withList(90));
    expect(narrow.membersWidth).toBe(0);
    expect(narrow.membersOverlay).toBe(true);
    // With a thread open too, the three panes and the rules still add up to the screen.
    const both = layoutOf(reducer(withList(140), { type: 'thread/open', roomId: 'r-gen', messageId: 'm1' }));
    expect(both.sidebarWidth + 1 + both.paneWidth + (both.threadWidth ? both.threadWidth + 1 : 0) + 1 + both.membersWidth).toBe(140);
  });
});

describe('member list (screen)', () => {
  it('stays beside the messages on a wide terminal and updates live', () => {
    const s = withList(120);
    const { lastFrame, rerender } = render(<ChatScreen state={s} now={T0} />);
    const frame = lastFrame()!;
    expect(frame).toMatch(/members of #general \(2\)/);
    expect(frame).toMatch(/Online — 2/);
    expect(frame).toMatch(/● alice mods/);
    expect(frame).toMatch(/on call/);
    // The room's messages are still on screen: the input line has the room's prompt.
    expect(frame).toMatch(/\[#general\]/);
    // Alice goes away and bob joins the room: both show without asking the server again.
    let next = reducer(s, { type: 'presence', userId: ALICE, online: true, status: 'away' });
    next = reducer(next, { type: 'event', event: membership(11, 'room.joined', BOB) });
    rerender(<ChatScreen state={next} now={T0} />);
    const after = lastFrame()!;
    expect(after).toMatch(/members of #general \(3\)/);
    expect(after).toMatch(/Away — 2/);
    expect(after).toMatch(/◐ alice mods/);
    expect(after).toMatch(/◐ bob/);
  });

  it('covers the messages on a narrow terminal, with how to close it', () => {
    const frame = render(<ChatScreen state={withList(90)} now={T0} />).lastFrame()!;
    expect(frame).toMatch(/members of #general \(2\)/);
    expect(frame).toMatch(/Alt\+M or Esc closes/);
  });

  it('PgDn scrolls the list while it covers the messages (the messages stay where they were)', () => {
    const store = createStore(longList(90));
    const actions = { members: () => {} } as never;
    handleIntent({ kind: 'scroll', pages: -1 }, store, actions, () => {});
    expect(store.getState().members!.scroll).toBeGreaterThan(0);
    expect(store.getState().views['r-gen']?.scroll ?? 0).toBe(0);
    // Beside the messages, PgUp is the messages' again.
    const wide = createStore(longList(120));
    handleIntent({ kind: 'scroll', pages: -1 }, wide, actions, () => {});
    expect(wide.getState().members!.scroll).toBe(0);
  });

  it('a long list beside the chat scrolls with Alt+PgDn/PgUp to its end and back (the messages stay)', () => {
    const store = createStore(longList(120));
    const actions = { members: () => {} } as never;
    const frame = () => render(<ChatScreen state={store.getState()} now={T0} />).lastFrame()!;
    const first = frame();
    expect(first).toMatch(/member00/);
    expect(first).not.toMatch(/member59/);
    expect(first).toMatch(/↓ \d+ more/);
    // Alt+PgDn pages down; pressed more often than needed, it stops at the end, which shows the last member.
    for (let i = 0; i < 10; i++) handleIntent({ kind: 'members-scroll', pages: -1 }, store, actions, () => {});
    const end = frame();
    expect(end).toMatch(/member59/);
    expect(end).not.toMatch(/member00/);
    expect(end).toMatch(/↑ \d+ · Alt\+PgUp\/PgDn/);
    expect(store.getState().views['r-gen']?.scroll ?? 0).toBe(0);
    // One Alt+PgUp moves back at once (the scroll was not left past the end).
    const atEnd = store.getState().members!.scroll;
    handleIntent({ kind: 'members-scroll', pages: 1 }, store, actions, () => {});
    expect(store.getState().members!.scroll).toBeLessThan(atEnd);
    for (let i = 0; i < 10; i++) handleIntent({ kind: 'members-scroll', pages: 1 }, store, actions, () => {});
    expect(store.getState().members!.scroll).toBe(0);
    expect(frame()).toMatch(/member00/);
  });

  it('Alt+PgUp without a member list scrolls the messages, as PgUp', () => {
    const store = createStore(run([{ type: 'snapshot', state: snapshot(), reason: 'initial' }], initialState(120, 24)));
    const viaAlt = createStore(store.getState());
    handleIntent({ kind: 'scroll', pages: 1 }, store, { members: () => {} } as never, () => {});
    handleIntent({ kind: 'members-scroll', pages: 1 }, viaAlt, { members: () => {} } as never, () => {});
    expect(viaAlt.getState().views).toEqual(store.getState().views);
  });
});

describe('member list (keys and controller)', () => {
  it('Alt+M opens it (asking the server), follows the room on screen, and Alt+M closes it', async () => {
    const client = new FakeClient();
    const store = createStore(initialState(120, 24));
    const actions = attachClient(client, store, { onQuit: () => {} });
    client.emit('snapshot', snapshot(), 'initial');
    client.emit('status', { state: 'live' });
    const intent = (kind: 'members' | 'close') => handleIntent({ kind }, store, actions, () => {});
    intent('members');
    expect(store.getState().members).toMatchObject({ roomId: 'r-gen', userIds: null });
    client.of('room.members')[0]!.resolve({ userIds: [ME, ALICE] });
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().members!.userIds).toEqual([ME, ALICE]);
    // Another room on screen: the list asks for that room's members.
    store.dispatch({ type: 'room/select', roomId: 'r-dev' });
    expect(store.getState().members).toMatchObject({ roomId: 'r-dev', userIds: null });
    expect(client.of('room.members').at(-1)!.params).toEqual({ roomId: 'r-dev' });
    // Esc leaves a side list open (it is not in the way); Alt+M closes it.
    intent('close');
    expect(store.getState().members).not.toBeNull();
    intent('members');
    expect(store.getState().members).toBeNull();
    actions.stop();
  });

  it('asks again after a reconnect and when someone new signs up (newcomers join default rooms silently)', async () => {
    const client = new FakeClient();
    const store = createStore(initialState(120, 24));
    const actions = attachClient(client, store, { onQuit: () => {} });
    client.emit('snapshot', snapshot(), 'initial');
    client.emit('status', { state: 'live' });
    actions.members();
    client.of('room.members')[0]!.resolve({ userIds: [ME, ALICE] });
    await Promise.resolve();
    await Promise.resolve();
    client.emit('status', { state: 'offline', attempt: 1, retryAt: T0 } as never);
    client.emit('status', { state: 'live' });
    expect(client.of('room.members')).toHaveLength(2);
    // The list stays up meanwhile.
    expect(store.getState().members!.userIds).toEqual([ME, ALICE]);
    const carol = { id: 'u-carol', nickname: 'carol', color: null, roles: [] };
    client.emit('event', { type: 'user.joined', order: 11, id: 'e11', roomId: null, actorId: carol.id, createdAt: T0, data: { user: carol } } as ClientEvent);
    expect(client.of('room.members')).toHaveLength(3);
    // Other events ask nothing.
    client.emit('event', { type: 'room.joined', order: 12, id: 'e12', roomId: 'r-dev', actorId: BOB, createdAt: T0, data: { roomId: 'r-dev', userId: BOB } } as ClientEvent);
    expect(client.of('room.members')).toHaveLength(3);
    actions.stop();
  });

  it('a refused answer shows in the list instead of a stale one', async () => {
    const client = new FakeClient();
    const store = createStore(initialState(120, 24));
    const actions = attachClient(client, store, { onQuit: () => {} });
    client.emit('snapshot', snapshot(), 'initial');
    actions.members();
    client.of('room.members')[0]!.reject(new Error('gone'));
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().members!.error).toMatch(/^members: /);
    actions.stop();
  });
});
