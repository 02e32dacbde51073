import type { Key } from 'ink';
import type { SearchHit } from '@open-discord/protocol';
import { describe, expect, it } from 'vitest';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { resolveKey } from '../src/keys/keymap.js';
import { historyWanted, readWanted, visiblePane } from '../src/state/messages/selectors.js';
import { reducer } from '../src/state/reducer.js';
import { dayStart, parseSearchLine } from '../src/state/search/query.js';
import { currentJump } from '../src/state/search/search.js';
import { createStore } from '../src/state/store.js';
import type { AppState } from '../src/state/app-state.js';
import { ALICE, BOB, boot, created, live, msg, run } from './fixtures.js';
import { FakeClient } from './fake-client.js';

const text = (s: AppState) => visiblePane(s).lines.map((l) => l.segments.map((x) => x.text).join('')).join('\n');
const hit = (order: number, over: Partial<SearchHit> = {}): SearchHit => ({ message: msg(order), snippet: `message ${order}`, ranges: [[0, 7]], ...over });
const params = { query: 'message' };

/** In #general, the newest messages 900..910 are loaded. */
const withLive = () => run(Array.from({ length: 11 }, (_, i) => ({ type: 'event' as const, event: created(msg(900 + i)) })), boot({ head: 10 }));

describe('/search as typed', () => {
  it('splits words from in:, from:, before: and after: (days in local time; after: means from the next day)', () => {
    expect(parseSearchLine('deploy in:#dev from:@alice failed')).toEqual({ ok: true, search: { text: 'deploy failed', room: 'dev', nick: 'alice' } });
    const p = parseSearchLine('x before:2026-11-01 after:2026-10-01');
    expect(p).toEqual({ ok: true, search: { text: 'x', before: new Date(2026, 10, 1).getTime(), after: new Date(2026, 9, 2).getTime() } });
    expect(parseSearchLine('x before:2026-02-30')).toMatchObject({ ok: false, message: expect.stringContaining('YYYY-MM-DD') });
    expect(parseSearchLine('in:#dev')).toMatchObject({ ok: false, message: expect.stringContaining('usage') });
    expect(dayStart('2026-1-1')).toBeNull();
  });
});

describe('search state', () => {
  it('opens the overlay while loading, shows the hits, moves within them and appends older pages', () => {
    let s = reducer(boot(), { type: 'search/started', params, label: 'message' });
    expect(s.overlay).toEqual({ kind: 'search' });
    expect(s.search.status).toBe('loading');
    s = reducer(s, { type: 'search/loaded', hits: [hit(3), hit(2)], next: 2, more: false });
    expect(s.search.hits.map((h) => h.message.order)).toEqual([3, 2]);
    s = reducer(s, { type: 'search/move', delta: 5 });
    expect(s.search.selected).toBe(1);
    s = reducer(s, { type: 'search/move', delta: -5 });
    expect(s.search.selected).toBe(0);
    s = reducer(s, { type: 'search/started', params: { ...params, cursor: 2 }, label: 'message' });
    s = reducer(s, { type: 'search/loaded', hits: [hit(1)], next: null, more: true });
    expect(s.search.hits.map((h) => h.message.order)).toEqual([3, 2, 1]);
    expect(s.search.next).toBeNull();
  });

  it('cleans terminal controls out of snippets and keeps the match ranges on the matches', () => {
    const s = reducer(boot(), { type: 'search/loaded', hits: [hit(1, { snippet: 'a\x1b[2Jb\tMATCH c', ranges: [[7, 12]] })], next: null, more: false });
    const h = s.search.hits[0]!;
    expect(h.snippet).not.toContain('\x1b');
    expect(h.snippet.slice(h.ranges[0]![0], h.ranges[0]![1])).toBe('MATCH');
  });

  it('a hit far back: the pane shows the messages around it, marked, and neither loads the main history nor marks read', () => {
    let s = reducer(withLive(), { type: 'search/loaded', hits: [hit(100, { message: msg(100, { roomId: 'r-dev', text: 'the hit' }) })], next: null, more: false });
    s = reducer(s, { type: 'search/jump' });
    expect(s.currentRoomId).toBe('r-dev');
    expect(s.overlay).toBeNull();
    expect(currentJump(s)).toMatchObject({ roomId: 'r-dev', messageId: 'm100', loading: true });
    const around = [98, 99, 100, 101, 102].map((o) => msg(o, { roomId: 'r-dev', ...(o === 100 && { text: 'the hit' }) }));
    s = reducer(s, { type: 'search/context', roomId: 'r-dev', anchorId: 'm100', messages: around, olderEnd: false, newerEnd: false });
    expect(s.world!.jumps['r-dev']?.messages.map((m) => m.order)).toEqual([98, 99, 100, 101, 102]);
    const shown = text(s);
    expect(shown).toContain('search hit');
    expect(shown).toContain('the hit');
    expect(shown).toContain('message 102');
    expect(readWanted(s)).toBeNull();
    expect(historyWanted(s)).toBeNull();
    // A new message in the room goes to the newest messages, not into the window on screen.
    s = reducer(s, { type: 'event', event: created(msg(1000, { roomId: 'r-dev', text: 'brand new' })) });
    expect(text(s)).not.toContain('brand new');
    // Esc: back to the newest messages; the window is dropped.
    s = reducer(s, { type: 'search/leave' });
    expect(currentJump(s)).toBeNull();
    expect(s.world!.jumps['r-dev']).toBeUndefined();
    expect(text(s)).toContain('brand new');
    expect(text(s)).not.toContain('search hit');
  });

  it('a hit among the loaded messages: one list, the hit marked; newer pages that reach the newest end the window', () => {
    let s = reducer(withLive(), { type: 'search/loaded', hits: [hit(905)], next: null, more: false });
    s = reducer(s, { type: 'search/jump' });
    s = reducer(s, { type: 'search/context', roomId: 'r-gen', anchorId: 'm905', messages: [903, 904, 905, 906].map((o) => msg(o)), olderEnd: false, newerEnd: false });
    expect(s.world!.jumps['r-gen']).toBeUndefined();
    expect(text(s)).toContain('search hit');

    let far = reducer(withLive(), { type: 'search/loaded', hits: [hit(50)], next: null, more: false });
    far = reducer(far, { type: 'search/jump' });
    far = reducer(far, { type: 'search/context', roomId: 'r-gen', anchorId: 'm50', messages: [49, 50, 51].map((o) => msg(o)), olderEnd: false, newerEnd: false });
    expect(far.world!.jumps['r-gen']).toBeDefined();
    far = reducer(far, { type: 'search/extending' });
    far = reducer(far, { type: 'search/extended', roomId: 'r-gen', anchorId: 'm50', messages: [51, 52, 899, 900].map((o) => msg(o)), side: 'newer', end: false });
    expect(far.world!.jumps['r-gen']).toBeUndefined();
    expect(far.world!.messages['r-gen']!.map((m) => m.order)).toEqual([49, 50, 51, 52, 899, ...Array.from({ length: 11 }, (_, i) => 900 + i)]);
  });
});

describe('the search controller', () => {
  const k = (over: Partial<Key>) => over as Key;
  it('/search resolves in: and from: to ids; Enter asks for the hit in context; Esc goes back', async () => {
    const client = new FakeClient();
    const store = createStore(run([live], withLive()));
    const actions = attachClient(client, store, { onQuit: () => {} });
    actions.submit('/search deploy in:#dev from:@bob');
    expect(client.of('search')[0]!.params).toEqual({ query: 'deploy', roomId: 'r-dev', authorId: BOB });
    actions.submit('/search deploy in:#nowhere');
    expect(store.getState().flash?.text).toBe('no room "#nowhere"');
    expect(client.of('search')).toHaveLength(1);
    client.of('search')[0]!.resolve({ hits: [hit(7, { message: msg(7, { roomId: 'r-dev', authorId: BOB, text: 'deploy now' }) })], next: null });
    await Promise.resolve();
    {
      expect(store.getState().search.hits).toHaveLength(1);
      handleIntent(resolveKey('', k({ return: true }), 'search')!, store, actions, () => {});
      const around = client.of('history.around')[0]!;
      expect(around.params).toEqual({ roomId: 'r-dev', messageId: 'm7', before: 25, after: 25 });
      around.resolve({ messages: [msg(6, { roomId: 'r-dev' }), msg(7, { roomId: 'r-dev', authorId: BOB, text: 'deploy now' })], olderEnd: true, newerEnd: false });
      await Promise.resolve();
      expect(store.getState().currentRoomId).toBe('r-dev');
      expect(text(store.getState())).toContain('deploy now');
      // At the bottom of the window: the newer messages are asked for.
      expect(client.of('history.around')[1]?.params).toEqual({ roomId: 'r-dev', messageId: 'm7', before: 0, after: 100 });
      handleIntent(resolveKey('', k({ escape: true }), 'chat')!, store, actions, () => {});
      expect(currentJump(store.getState())).toBeNull();
      // Sending a message while reading a hit goes back to the newest messages too.
      actions.jumpToHit();
      expect(currentJump(store.getState())).not.toBeNull();
      store.dispatch({ type: 'input/set', text: 'hello' });
      handleIntent(resolveKey('', k({ return: true }), 'chat')!, store, actions, () => {});
      expect(currentJump(store.getState())).toBeNull();
      expect(client.of('message.send').at(-1)?.params).toMatchObject({ roomId: 'r-dev', text: 'hello' });
      // The room's newest messages (none loaded yet in #dev): the main history is asked for.
      expect(text(store.getState())).not.toContain('deploy now');
      expect(client.of('history').map((r) => r.params)).toContainEqual({ roomId: 'r-dev', limit: 100 });
    }
  });

  it('a hit in a thread-only reply jumps to its root in the room and opens the thread beside it', async () => {
    const client = new FakeClient();
    const store = createStore(run([live], withLive()));
    const actions = attachClient(client, store, { onQuit: () => {} });
    actions.submit('/search noodles');
    client.of('search')[0]!.resolve({ hits: [hit(9, { message: msg(9, { roomId: 'r-dev', text: 'noodles at noon', threadId: 'm8' }) })], next: null });
    await Promise.resolve();
    actions.jumpToHit();
    expect(client.of('history.around')[0]!.params).toMatchObject({ roomId: 'r-dev', messageId: 'm8' });
    expect(store.getState().thread).toMatchObject({ roomId: 'r-dev', rootId: 'm8' });
    expect(client.of('thread.history')[0]!.params).toMatchObject({ roomId: 'r-dev', threadId: 'm8' });
  });

  it('a late answer to an earlier search is dropped', async () => {
    const client = new FakeClient();
    const store = createStore(run([live], boot()));
    const actions = attachClient(client, store, { onQuit: () => {} });
    actions.submit('/search first');
    actions.submit('/search second');
    const [first, second] = client.of('search');
    second!.resolve({ hits: [hit(2)], next: null });
    first!.resolve({ hits: [hit(1)], next: null });
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().search.hits.map((h) => h.message.order)).toEqual([2]);
    expect(store.getState().search.label).toBe('second');
  });

  it('/find-user and /find-room list the matches', async () => {
    const client = new FakeClient();
    const store = createStore(run([live], boot()));
    const actions = attachClient(client, store, { onQuit: () => {} });
    actions.submit('/find-user al');
    expect(client.of('search.users')[0]!.params).toEqual({ query: 'al' });
    client.of('search.users')[0]!.resolve({ users: [{ id: ALICE, nickname: 'alice', color: null, roles: [] }] });
    await Promise.resolve();
    expect(store.getState().overlay).toMatchObject({ kind: 'help', lines: ['alice'] });
    actions.submit('/find-room de');
    client.of('search.rooms')[0]!.resolve({ rooms: [{ id: 'r-dev', name: 'dev', topic: 'code', kind: 'text', categoryId: null, position: 0, restrictedTo: null }] });
    await Promise.resolve();
    expect(store.getState().overlay).toMatchObject({ kind: 'help', lines: ['#dev — code'] });
  });
});
