import { render, cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent } from '@open-discord/protocol';
import { initialState, reducer } from '../src/state/reducer.js';
import type { AppState } from '../src/state/app-state.js';
import { roomThreadCounts, threadPaneLines } from '../src/state/threads/selectors.js';
import { threadReadWanted } from '../src/state/threads/thread-pane.js';
import { threadSummaryText } from '../src/state/threads/summary.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { ALICE, BOB, created, ME, msg, run, snapshot, T0 } from './fixtures.js';

afterEach(() => cleanup());

const followed = (order: number, threadId: string, readOrder = order): ClientEvent => ({
  type: 'thread.followed',
  order,
  id: `e${order}`,
  roomId: 'r-gen',
  actorId: ME,
  createdAt: T0,
  data: { roomId: 'r-gen', threadId, level: 'all', muted: false, readOrder },
});

/** #general with a root (m1) by alice, followed by me, and two replies by bob: one mentions me. */
function withThread(cols = 120): AppState {
  let s = run([{ type: 'snapshot', state: snapshot(), reason: 'initial' }, { type: 'status', status: { state: 'live' } }], initialState(cols, 30));
  s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(1, { text: 'lunch?' })], end: true });
  s = reducer(s, { type: 'event', event: followed(11, 'm1') });
  s = reducer(s, { type: 'event', event: created(msg(12, { authorId: BOB, text: 'yes', threadId: 'm1' })) });
  s = reducer(s, { type: 'event', event: created(msg(13, { authorId: BOB, text: 'me too @me', threadId: 'm1', mentions: [ME] })) });
  return s;
}

describe('thread pane (reducer)', () => {
  it('replies stay out of the room, count on the root and in the followed thread', () => {
    const s = withThread();
    expect(s.world!.messages['r-gen']!.map((m) => m.id)).toEqual(['m1']);
    expect(s.world!.messages['r-gen']![0]!.thread).toMatchObject({ count: 2, lastAuthorIds: [BOB] });
    expect(s.world!.threads['m1']!.map((m) => m.id)).toEqual(['m12', 'm13']);
    expect(roomThreadCounts(s, 'r-gen')).toEqual({ count: 2, mentions: 1 });
    expect(s.world!.unread['r-gen']?.count ?? 0).toBe(0);
  });

  it('opens a thread (a reply opens its root), parks the room draft and gives it back on close', () => {
    let s = withThread();
    s = reducer(s, { type: 'input/insert', text: 'room draft' });
    s = reducer(s, { type: 'thread/open', roomId: 'r-gen', messageId: 'm12' });
    expect(s.thread).toMatchObject({ roomId: 'r-gen', rootId: 'm1', loading: true, alsoInRoom: false });
    expect(s.input.text).toBe('');
    s = reducer(s, { type: 'input/insert', text: 'thread draft' });
    s = reducer(s, { type: 'thread/close' });
    expect(s.thread).toBeNull();
    expect(s.input.text).toBe('room draft');
  });

  it('merges a thread.history page, toggles "also send to room", scrolls, and reads to clear the badge', () => {
    let s = withThread();
    s = reducer(s, { type: 'thread/open', roomId: 'r-gen', messageId: 'm1' });
    s = reducer(s, { type: 'thread/loaded', rootId: 'm1', messages: [msg(5, { authorId: ALICE, text: 'older', threadId: 'm1' }), msg(12, { authorId: BOB, text: 'yes', threadId: 'm1' })], end: true });
    expect(s.thread!.loading).toBe(false);
    expect(s.world!.threads['m1']!.map((m) => m.id)).toEqual(['m5', 'm12', 'm13']);
    s = reducer(s, { type: 'thread/also-in-room' });
    expect(s.thread!.alsoInRoom).toBe(true);
    s = reducer(s, { type: 'thread/scroll', lines: 3 });
    expect(s.thread!.scroll).toBe(3);
    // Scrolled up: not read yet; back at the bottom it wants the thread read up to the head.
    expect(threadReadWanted(s)).toBeNull();
    s = reducer(s, { type: 'thread/scroll', lines: -10 });
    expect(s.thread!.scroll).toBe(0);
    const want = threadReadWanted(s)!;
    expect(want).toEqual({ roomId: 'r-gen', rootId: 'm1', order: 13 });
    s = reducer(s, { type: 'thread/read-local', rootId: want.rootId, order: want.order });
    expect(s.world!.followed['m1']!.unread).toEqual({ count: 0, mentions: 0 });
    expect(threadReadWanted(s)).toBeNull();
  });

  it('an alsoInRoom reply shows in the room too and counts there', () => {
    let s = withThread();
    s = reducer(s, { type: 'room/select', roomId: 'r-dev' });
    s = reducer(s, { type: 'event', event: created(msg(14, { authorId: BOB, text: 'shared', threadId: 'm1', alsoInRoom: true })) });
    expect(s.world!.messages['r-gen']!.map((m) => m.id)).toEqual(['m1', 'm14']);
    expect(s.world!.unread['r-gen']).toEqual({ count: 1, mentions: 0 });
    expect(s.world!.followed['m1']!.unread).toEqual({ count: 3, mentions: 1 });
  });

  it('marking the room read clears its followed threads (no badge that sticks)', () => {
    let s = withThread();
    s = reducer(s, { type: 'read/local', roomId: 'r-gen', order: 13 });
    expect(roomThreadCounts(s, 'r-gen')).toEqual({ count: 0, mentions: 0 });
  });

  it('says how many replies, how long ago, and who, under the root', () => {
    expect(threadSummaryText({ count: 3, lastAt: T0, lastOrder: 9, lastAuthorIds: [] }, ['alice', 'bob'], T0 + 5 * 60_000)).toBe(
      '↳ 3 replies · last 5m ago · alice, bob',
    );
    expect(threadSummaryText({ count: 1, lastAt: T0, lastOrder: 9, lastAuthorIds: [] }, ['bob'], T0 + 10_000)).toBe('↳ 1 reply · last just now · bob');
  });
});

describe('thread pane (screen)', () => {
  it('draws the thread beside the room on a wide terminal, with the summary under the root and the room badge', () => {
    let s = withThread(120);
    s = reducer(s, { type: 'room/select', roomId: 'r-dev' });
    let f = render(<ChatScreen state={s} now={T0 + 5 * 60_000} />).lastFrame()!;
    expect(f).toMatch(/1 #general\s+↳@2/);
    s = reducer(s, { type: 'room/select', roomId: 'r-gen' });
    s = reducer(s, { type: 'thread/open', roomId: 'r-gen', messageId: 'm1' });
    s = reducer(s, { type: 'thread/loaded', rootId: 'm1', messages: [], end: true });
    f = render(<ChatScreen state={s} now={T0 + 5 * 60_000} />).lastFrame()!;
    expect(f).toContain('↳ 2 replies · last 4m ago · bob');
    expect(f).toContain('thread in #general · 2 replies · following');
    expect(f).toContain('[ ] also send to room (Alt+T)');
    // Both panes at once: the root in the room (with its summary under it) and, beside it, the thread.
    const rows = f.split('\n');
    const summaryRow = rows.findIndex((l) => l.includes('↳ 2 replies'));
    expect(rows[summaryRow - 1]).toMatch(/alice lunch\?/);
    expect(rows.some((l) => /bob yes/.test(l) && /│/.test(l))).toBe(true);
    expect(f).toMatch(/bob me too @me/);
    // The input line writes to the thread while it is open.
    expect(f).toContain('[thread in #general]');
    expect(f.split('\n')).toHaveLength(30);
  });

  it('covers the messages on a narrow terminal, and Esc-like close brings the room back', () => {
    let s = withThread(80);
    s = reducer(s, { type: 'thread/open', roomId: 'r-gen', messageId: 'm1' });
    s = reducer(s, { type: 'thread/loaded', rootId: 'm1', messages: [], end: true });
    let f = render(<ChatScreen state={s} now={T0} />).lastFrame()!;
    expect(f).toContain('thread in #general');
    expect(f).toMatch(/bob yes/);
    expect(f).not.toContain('This is the start of #general.');
    s = reducer(s, { type: 'thread/close' });
    f = render(<ChatScreen state={s} now={T0} />).lastFrame()!;
    expect(f).not.toContain('thread in #general');
    expect(f).toContain('This is the start of #general.');
    expect(threadPaneLines(s, 40, 10).lines).toEqual([]);
  });
});

