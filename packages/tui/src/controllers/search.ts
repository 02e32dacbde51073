import type { RequestParams } from '@open-discord/protocol';
import { findRoom, findUser } from '../commands/resolve.js';
import { inJumpWindow, visiblePane } from '../state/messages/selectors.js';
import { parseSearchLine } from '../state/search/query.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

/** Messages loaded on each side of a hit when jumping to it. */
export const CONTEXT = 25;

export interface SearchActions {
  /** `/search …` (the text after the command). */
  search(line: string): void;
  /** The next (older) page of hits, when there is one. */
  more(): void;
  /** Enter on the selected hit: go to its room and load the messages around it. */
  jump(): void;
  /** `/find-user` and `/find-room`: the matches, listed in an overlay. */
  findUsers(query: string): void;
  findRooms(query: string): void;
}

/**
 * The search controller: `/search` becomes a `search` request (filters resolved against the world), Enter on
 * a hit a `history.around`, and reading a jump window to its top or bottom loads the next page on that side
 * (`history` before its oldest message, `history.around` its newest), until it meets the newest messages.
 */
export function attachSearch({ client, store }: ControllerContext, page: number): SearchActions {
  const { dispatch } = store;

  // Only the newest search's answers count: a page of an earlier search arriving late is dropped.
  let latest = 0;
  const run = (params: RequestParams<'search'>, label: string, more: boolean) => {
    const mine = ++latest;
    dispatch({ type: 'search/started', params, label });
    client.request('search', params).then(
      (r) => mine === latest && dispatch({ type: 'search/loaded', hits: r.hits, next: r.next, more }),
      (e: unknown) => mine === latest && dispatch({ type: 'search/failed', error: describeError(e) }),
    );
  };

  const search = (line: string) => {
    const world = store.getState().world;
    if (!world) return dispatch({ type: 'flash', kind: 'error', text: 'not connected yet' });
    const parsed = parseSearchLine(line);
    if (!parsed.ok) return dispatch({ type: 'flash', kind: 'error', text: parsed.message });
    const s = parsed.search;
    const params: RequestParams<'search'> = { query: s.text };
    if (s.room !== undefined) {
      const id = findRoom(world, s.room);
      if (!id) return dispatch({ type: 'flash', kind: 'error', text: `no room "#${s.room}"` });
      params.roomId = id;
    }
    if (s.nick !== undefined) {
      const id = findUser(world, s.nick);
      if (!id) return dispatch({ type: 'flash', kind: 'error', text: `no one here is called "${s.nick}"` });
      params.authorId = id;
    }
    if (s.before !== undefined) params.before = s.before;
    if (s.after !== undefined) params.after = s.after;
    run(params, line.trim(), false);
  };

  const more = () => {
    const { search: st } = store.getState();
    if (!st.params || st.next === null || st.status === 'loading') return;
    run({ ...st.params, cursor: st.next }, st.label, true);
  };

  const jump = () => {
    dispatch({ type: 'search/jump' });
    const j = store.getState().search.jump;
    if (!j) return;
    client.request('history.around', { roomId: j.roomId, messageId: j.messageId, before: CONTEXT, after: CONTEXT }).then(
      (r) => dispatch({ type: 'search/context', roomId: j.roomId, anchorId: j.messageId, messages: r.messages, olderEnd: r.olderEnd, newerEnd: r.newerEnd }),
      (e: unknown) => dispatch({ type: 'search/context-failed', error: describeError(e) }),
    );
  };

  const listIn = (title: string, lines: string[]) => dispatch({ type: 'overlay/help', title, lines: lines.length ? lines : ['no match'] });
  const failed = (what: string) => (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `${what}: ${describeError(e)}` });
  const findUsers = (query: string) =>
    client.request('search.users', { query }).then((r) => listIn(`members matching "${query}"`, r.users.map((u) => u.nickname)), failed('/find-user'));
  const findRooms = (query: string) =>
    client.request('search.rooms', { query }).then((r) => listIn(`rooms matching "${query}"`, r.rooms.map((x) => `#${x.name}${x.topic ? ` — ${x.topic}` : ''}`)), failed('/find-room'));

  // Reading a jump window: at its top, older messages; at its bottom, newer ones (until it meets the newest).
  // A page that failed is not asked for again at once (the next scroll or jump asks anew).
  let failedKey: string | null = null;
  const extend = (key: string, ask: () => Promise<void>) => {
    if (key === failedKey) return;
    dispatch({ type: 'search/extending' });
    ask().catch((e: unknown) => {
      failedKey = key;
      dispatch({ type: 'search/context-failed', error: describeError(e) });
    });
  };
  store.subscribe((state) => {
    const j = state.search.jump;
    if (!j || j.loading || state.status.state !== 'live' || !inJumpWindow(state)) return;
    const window = state.world!.jumps[j.roomId]!;
    const pane = visiblePane(state);
    const anchorId = j.messageId;
    const first = window.messages[0];
    const last = window.messages[window.messages.length - 1];
    if (!first || !last) return;
    if (pane.atTop && !window.olderEnd) {
      extend(`older:${first.id}`, () =>
        client.request('history', { roomId: j.roomId, before: first.order, limit: page }).then((r) => {
          dispatch({ type: 'search/extended', roomId: j.roomId, anchorId, messages: r.messages, side: 'older', end: r.end });
        }),
      );
    } else if (pane.scroll === 0) {
      extend(`newer:${last.id}`, () =>
        client.request('history.around', { roomId: j.roomId, messageId: last.id, before: 0, after: page }).then((r) => {
          dispatch({ type: 'search/extended', roomId: j.roomId, anchorId, messages: r.messages, side: 'newer', end: r.newerEnd });
        }),
      );
    }
  });

  return { search, more, jump, findUsers, findRooms };
}
