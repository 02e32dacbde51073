import type { RequestParams } from '@open-discord/protocol';
import { historyWanted, readWanted } from '../state/messages/selectors.js';
import { roomsGained } from '../state/rooms/follow.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

/**
 * The history controller: the store's wishes become requests. Older history when the current room's view
 * reaches the oldest loaded message; the read marker when its newest message is on screen; and the recent
 * history of rooms that became visible, so it is there when the user switches to them.
 */
export function attachHistory({ client, store }: ControllerContext, page: number): void {
  const { dispatch } = store;

  const load = (roomId: string, before: number | undefined) => {
    const state = store.getState();
    if (!state.world?.rooms[roomId] || state.views[roomId]?.loading) return;
    dispatch({ type: 'history/requested', roomId });
    const params: RequestParams<'history'> = { roomId, limit: page };
    if (before !== undefined) params.before = before;
    client.request('history', params).then(
      (r) => dispatch({ type: 'history/loaded', roomId, messages: r.messages, end: r.end }),
      (e: unknown) => dispatch({ type: 'history/failed', roomId, error: describeError(e) }),
    );
  };

  const readInflight = new Map<string, number>();
  const markRead = () => {
    const read = readWanted(store.getState());
    if (!read || (readInflight.get(read.roomId) ?? -1) >= read.order) return;
    readInflight.set(read.roomId, read.order);
    dispatch({ type: 'read/local', roomId: read.roomId, order: read.order });
    // A lost read marker only means an unread count that is too high on another device: not worth a notice.
    client.request('read.mark', read).catch(() => readInflight.delete(read.roomId));
  };

  store.subscribe((next, prev) => {
    // Rooms that became visible (an access change: by a snapshot, or by the room's own update reaching us once
    // it is open to us). Not at the first snapshot (that would load every room at start), nor for new rooms,
    // which are empty (their history is complete from the start).
    if (prev.world && next.world && (next.world.rooms !== prev.world.rooms || next.world.joined !== prev.world.joined)) {
      for (const roomId of roomsGained(prev, next)) if (!next.world.historyEnd[roomId]) load(roomId, undefined);
    }
    const want = historyWanted(store.getState());
    if (want) load(want.roomId, want.before);
    markRead();
  });
}
