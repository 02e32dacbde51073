import { describe, expect, it } from 'vitest';
import { initialState, reducer } from '../src/state/reducer.js';
import { historyWanted, readWanted, roomView } from '../src/state/messages/selectors.js';
import { nextActivityRoom, orderedRooms, roomGroups } from '../src/state/rooms/selectors.js';
import { ALICE, BOB, ME, boot, created, msg, run, snapshot } from './fixtures.js';

describe('snapshot and events', () => {
  it('loads the world and enters the first room in server order', () => {
    const s = boot();
    expect(s.currentRoomId).toBe('r-gen');
    expect(roomGroups(s).map((g) => [g.name, g.rooms.map((r) => r.name)])).toEqual([
      [null, ['general']],
      ['work', ['dev', 'ops']],
    ]);
    expect(s.world?.me.nickname).toBe('me');
  });

  it('applies messages in order and ignores duplicates by order', () => {
    let s = boot();
    for (const o of [11, 13, 12, 13, 11]) s = reducer(s, { type: 'event', event: created(msg(o)) });
    expect(roomView(s, 'r-gen')!.messages.map((m) => m.order)).toEqual([11, 12, 13]);
  });

  it('applies room, category, user and role changes', () => {
    let s = boot();
    s = reducer(s, {
      type: 'event',
      event: { type: 'room.created', order: 11, id: 'e11', roomId: 'r-new', actorId: ME, createdAt: 0, data: { room: { id: 'r-new', name: 'random', topic: '', kind: 'text', categoryId: 'c-work', position: 2, restrictedTo: null } } },
    });
    s = reducer(s, { type: 'event', event: { type: 'user.updated', order: 12, id: 'e12', roomId: null, actorId: ALICE, createdAt: 0, data: { user: { id: ALICE, nickname: 'alicia', color: '#e06c75', roles: [] } } } });
    s = reducer(s, { type: 'event', event: { type: 'category.deleted', order: 13, id: 'e13', roomId: null, actorId: ME, createdAt: 0, data: { categoryId: 'c-work' } } });
    // Rooms of a deleted category become uncategorised, ordered by position then name.
    expect(orderedRooms(s).map((r) => r.name)).toEqual(['dev', 'general', 'ops', 'random']);
    expect(s.world!.users[ALICE]!.nickname).toBe('alicia');
    expect(roomView(s, 'r-new')!.end).toBe(true);
    s = reducer(s, { type: 'event', event: { type: 'room.deleted', order: 14, id: 'e14', roomId: 'r-gen', actorId: ME, createdAt: 0, data: { roomId: 'r-gen' } } });
    expect(s.currentRoomId).toBe('r-dev');
  });

  it('edits and deletes messages', () => {
    let s = boot();
    s = reducer(s, { type: 'event', event: created(msg(11)) });
    s = reducer(s, { type: 'event', event: { type: 'message.edited', order: 12, id: 'e12', roomId: 'r-gen', actorId: ALICE, createdAt: 0, data: { message: { ...msg(11), text: 'fixed', editedAt: 5 } } } });
    expect(roomView(s, 'r-gen')!.messages[0]!.text).toBe('fixed');
    s = reducer(s, { type: 'event', event: { type: 'message.deleted', order: 13, id: 'e13', roomId: 'r-gen', actorId: ALICE, createdAt: 0, data: { messageId: 'm11', roomId: 'r-gen' } } });
    expect(roomView(s, 'r-gen')!.messages).toEqual([]);
  });
});

describe('unread and mentions', () => {
  it('counts messages in other rooms, mentions separately, and rings the bell for mentions', () => {
    let s = boot();
    s = reducer(s, { type: 'event', event: created(msg(11, { roomId: 'r-dev' })) });
    s = reducer(s, { type: 'event', event: created(msg(12, { roomId: 'r-dev', mentions: [ME] })) });
    s = reducer(s, { type: 'event', event: created(msg(13, { roomId: 'r-dev', authorId: ME })) });
    expect(roomView(s, 'r-dev')).toMatchObject({ unread: 2, mentions: 1 });
    expect(s.bell).toBe(1);
    // The focused room at the bottom counts nothing: the reader sees it.
    s = reducer(s, { type: 'event', event: created(msg(14)) });
    expect(roomView(s, 'r-gen')!.unread).toBe(0);
  });

  it('takes counts from the snapshot and clears them when read.marked arrives', () => {
    let s = boot({ unread: { 'r-ops': { count: 3, mentions: 1 } }, readMarkers: { 'r-ops': 5 } });
    expect(roomView(s, 'r-ops')).toMatchObject({ unread: 3, mentions: 1, readMarker: 5 });
    s = reducer(s, { type: 'event', event: { type: 'read.marked', order: 11, id: 'e11', roomId: null, actorId: ME, createdAt: 0, data: { roomId: 'r-ops', order: 10 } } });
    expect(roomView(s, 'r-ops')).toMatchObject({ unread: 0, mentions: 0, readMarker: 10 });
  });

  it('asks to mark the current room read when its newest message is visible', () => {
    let s = boot();
    s = reducer(s, { type: 'event', event: created(msg(11)) });
    expect(readWanted(s)).toEqual({ roomId: 'r-gen', order: 11 });
    s = reducer(s, { type: 'read/local', roomId: 'r-gen', order: 11 });
    expect(readWanted(s)).toBeNull();
  });

  it('Alt+A goes to mentions first, then any activity', () => {
    let s = boot();
    s = reducer(s, { type: 'event', event: created(msg(11, { roomId: 'r-dev' })) });
    s = reducer(s, { type: 'event', event: created(msg(12, { roomId: 'r-ops', mentions: [ME] })) });
    expect(nextActivityRoom(s)).toBe('r-ops');
    s = reducer(s, { type: 'room/next-activity' });
    expect(s.currentRoomId).toBe('r-ops');
    expect(nextActivityRoom(s)).toBe('r-dev');
  });
});

describe('read ruler', () => {
  it('sits at the read marker of the room being entered, and goes when leaving', () => {
    let s = boot({ readMarkers: { 'r-dev': 12 }, unread: { 'r-dev': { count: 2, mentions: 0 } } });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-dev', messages: [11, 12, 13, 14].map((o) => msg(o, { roomId: 'r-dev' })), end: true });
    s = reducer(s, { type: 'room/select', roomId: 'r-dev' });
    expect(roomView(s, 'r-dev')!.ruler).toBe(12);
    s = reducer(s, { type: 'room/select', roomId: 'r-gen' });
    expect(roomView(s, 'r-dev')!.ruler).toBeNull();
  });

  it('is not placed in a room with nothing unread', () => {
    const s = run([{ type: 'room/select', roomId: 'r-ops' }], boot());
    expect(roomView(s, 'r-ops')!.ruler).toBeNull();
  });
});

describe('sends', () => {
  const started = { type: 'send/started', roomId: 'r-gen', nonce: 'n1', text: 'hello', authorId: ME, at: 1 } as const;

  it('pending → confirmed by the echo, exactly once', () => {
    let s = reducer(boot(), started);
    expect(roomView(s, 'r-gen')!.pending.map((p) => p.status)).toEqual(['pending']);
    const echo = msg(11, { authorId: ME, text: 'hello', nonce: 'n1' });
    s = reducer(s, { type: 'event', event: created(echo) });
    expect(roomView(s, 'r-gen')!.pending).toEqual([]);
    s = reducer(s, { type: 'send/confirmed', roomId: 'r-gen', nonce: 'n1', message: echo });
    expect(roomView(s, 'r-gen')!.messages.map((m) => [m.order, m.status])).toEqual([[11, 'confirmed']]);
  });

  it('pending → confirmed by the reply before the echo', () => {
    let s = reducer(boot(), started);
    const echo = msg(11, { authorId: ME, text: 'hello', nonce: 'n1' });
    s = reducer(s, { type: 'send/confirmed', roomId: 'r-gen', nonce: 'n1', message: echo });
    s = reducer(s, { type: 'event', event: created(echo) });
    expect(roomView(s, 'r-gen')!.pending).toEqual([]);
    expect(roomView(s, 'r-gen')!.messages).toHaveLength(1);
  });

  it('pending → failed → retried → confirmed', () => {
    let s = reducer(boot(), started);
    s = reducer(s, { type: 'send/failed', roomId: 'r-gen', nonce: 'n1', error: 'timed out' });
    expect(roomView(s, 'r-gen')!.pending[0]).toMatchObject({ status: 'failed', error: 'timed out' });
    s = reducer(s, { type: 'send/retry', roomId: 'r-gen', nonce: 'n1' });
    expect(roomView(s, 'r-gen')!.pending[0]!.status).toBe('pending');
    expect(roomView(s, 'r-gen')!.pending[0]!.error).toBeUndefined();
    s = reducer(s, { type: 'event', event: created(msg(11, { authorId: ME, nonce: 'n1' })) });
    expect(roomView(s, 'r-gen')!.pending).toEqual([]);
  });

  it('an echo of someone else with the same nonce does not confirm ours', () => {
    let s = reducer(boot(), started);
    s = reducer(s, { type: 'event', event: created(msg(11, { authorId: BOB, nonce: 'n1' })) });
    expect(roomView(s, 'r-gen')!.pending).toHaveLength(1);
  });
});

describe('gap marker and history', () => {
  it('a gap-too-large snapshot drops loaded messages and marks where reloaded history starts', () => {
    let s = boot();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(5), msg(6)], end: true });
    s = reducer(s, { type: 'snapshot', state: snapshot({ head: 5000 }), reason: 'gap-too-large' });
    const v = roomView(s, 'r-gen')!;
    expect(v.messages).toEqual([]);
    expect(v.reloaded).toEqual({ before: null });
    expect(historyWanted(s)).toEqual({ roomId: 'r-gen', before: undefined });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(4990), msg(4995)], end: false });
    expect(roomView(s, 'r-gen')!.reloaded).toEqual({ before: 4990 });
  });

  it('an initial snapshot does not mark anything', () => {
    expect(roomView(boot(), 'r-gen')!.reloaded).toBeNull();
  });

  it('loads older pages before the oldest loaded message until the start', () => {
    let s = boot();
    expect(historyWanted(s)).toEqual({ roomId: 'r-gen', before: undefined });
    s = reducer(s, { type: 'history/requested', roomId: 'r-gen' });
    expect(historyWanted(s)).toBeNull();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(8), msg(9)], end: false });
    expect(historyWanted(s)).toEqual({ roomId: 'r-gen', before: 8 });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(3), msg(8)], end: true });
    expect(roomView(s, 'r-gen')!.messages.map((m) => m.order)).toEqual([3, 8, 9]);
    expect(historyWanted(s)).toBeNull();
  });

  it('does not load history while offline', () => {
    const s = reducer(boot(), { type: 'status', status: { state: 'offline', retryAt: 5, reason: 'x' } });
    expect(historyWanted(s)).toBeNull();
  });
});

describe('text from other people is cleaned of terminal controls', () => {
  const EVIL = 'a\x1b]52;c;ZXZpbA==\x07b\x1b]0;title\x07c\x1b[44md\re\x9bf\x7fg';
  const CLEAN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

  it('in messages (live and history), keeping newlines', () => {
    let s = boot();
    s = reducer(s, { type: 'event', event: created(msg(11, { text: `${EVIL}\nline two` })) });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(5, { text: EVIL })], end: true });
    const texts = roomView(s, 'r-gen')!.messages.map((m) => m.text);
    for (const t of texts) expect(t).not.toMatch(CLEAN);
    expect(texts[1]).toContain('\nline two');
    expect(texts[0]).toBe('a\ufffd]52;c;ZXZpbA==\ufffdb\ufffd]0;title\ufffdc\ufffd[44md\ufffde\ufffdf\ufffdg');
  });

  it('in names, topics and categories from snapshots and events', () => {
    let s = boot();
    s = reducer(s, { type: 'event', event: { type: 'room.updated', order: 11, id: 'e11', roomId: 'r-gen', actorId: ME, createdAt: 0, data: { room: { ...s.world!.rooms['r-gen']!, name: `gen${EVIL}`, topic: EVIL } } } });
    s = reducer(s, { type: 'event', event: { type: 'user.updated', order: 12, id: 'e12', roomId: null, actorId: ALICE, createdAt: 0, data: { user: { id: ALICE, nickname: EVIL, color: '#e06c75', roles: [] } } } });
    s = reducer(s, { type: 'event', event: { type: 'category.updated', order: 13, id: 'e13', roomId: null, actorId: ME, createdAt: 0, data: { category: { ...s.world!.categories['c-work']!, name: EVIL } } } });
    expect(s.world!.rooms['r-gen']!.name).not.toMatch(CLEAN);
    expect(s.world!.rooms['r-gen']!.topic).not.toMatch(CLEAN);
    expect(s.world!.users[ALICE]!.nickname).not.toMatch(CLEAN);
    expect(s.world!.categories['c-work']!.name).not.toMatch(CLEAN);
    const snap = snapshot();
    const t = reducer(initialState(100, 30), { type: 'snapshot', reason: 'initial', state: { ...snap, rooms: snap.rooms.map((r) => ({ ...r, topic: EVIL })), categories: snap.categories.map((c) => ({ ...c, name: EVIL })), users: snap.users.map((u) => ({ ...u, nickname: EVIL })) } });
    for (const r of Object.values(t.world!.rooms)) expect(r.topic).not.toMatch(CLEAN);
    for (const c of Object.values(t.world!.categories)) expect(c.name).not.toMatch(CLEAN);
    for (const u of Object.values(t.world!.users)) expect(u.nickname).not.toMatch(CLEAN);
    expect(reducer(t, { type: 'flash', kind: 'error', text: EVIL }).flash!.text).not.toMatch(CLEAN);
  });
});
