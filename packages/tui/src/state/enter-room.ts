import { emptyView } from './messages.js';
import type { AppState } from './types.js';

/** Make `roomId` current: the read ruler is placed at its read marker as the user arrives. */
export function enterRoom(state: AppState, roomId: string): AppState {
  if (!state.rooms[roomId]) return state;
  const views = { ...state.views };
  const leaving = state.currentRoomId ? views[state.currentRoomId] : undefined;
  if (leaving && state.currentRoomId !== roomId) views[state.currentRoomId!] = { ...leaving, ruler: null };
  const view = views[roomId] ?? emptyView();
  views[roomId] = state.currentRoomId === roomId ? view : { ...view, ruler: view.unread > 0 ? view.readMarker : null };
  return { ...state, currentRoomId: roomId, views };
}
