import type { AppState } from '../app-state.js';
import { placeAtRuler } from '../messages/anchor.js';
import { emptyPane } from '../messages/view.js';

/**
 * Make `roomId` current: the read ruler is placed at its read marker as the user arrives (and the view opens
 * there: messages/anchor.ts), and taken away as they leave.
 */
export function enterRoom(state: AppState, roomId: string): AppState {
  const world = state.world;
  if (!world?.rooms[roomId]) return state;
  const views = { ...state.views };
  const leaving = state.currentRoomId ? views[state.currentRoomId] : undefined;
  if (leaving && state.currentRoomId !== roomId) views[state.currentRoomId!] = { ...leaving, ruler: null };
  const pane = views[roomId] ?? emptyPane();
  const unread = world.unread[roomId]?.count ?? 0;
  views[roomId] =
    state.currentRoomId === roomId ? pane : { ...pane, ruler: unread > 0 ? (world.readMarkers[roomId] ?? 0) : null, anchor: unread > 0 };
  return placeAtRuler({ ...state, currentRoomId: roomId, views });
}
