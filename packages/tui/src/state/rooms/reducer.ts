import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { emptyInput } from '../input/input-state.js';
import { enterRoom } from './enter-room.js';
import { nextActivityRoom, orderedRooms } from './selectors.js';

/** Switch rooms, keeping the draft of the room we leave and restoring the one we return to. */
export function selectRoom(state: AppState, roomId: string | undefined | null): AppState {
  if (!roomId || roomId === state.currentRoomId || !state.world?.rooms[roomId]) return state;
  const drafts = { ...state.drafts };
  if (state.currentRoomId) {
    if (state.input.text) drafts[state.currentRoomId] = { text: state.input.text, cursor: state.input.cursor };
    else delete drafts[state.currentRoomId];
  }
  const draft = drafts[roomId];
  const input = draft ? { ...emptyInput(), text: draft.text, cursor: draft.cursor } : emptyInput();
  return enterRoom({ ...state, drafts, input, overlay: null }, roomId);
}

export function roomsReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'room/select':
      return selectRoom(state, action.roomId);
    case 'room/index':
      return selectRoom(state, orderedRooms(state)[action.index]?.id);
    case 'room/step': {
      const rooms = orderedRooms(state);
      if (rooms.length === 0) return state;
      const at = rooms.findIndex((r) => r.id === state.currentRoomId);
      return selectRoom(state, rooms[(at + action.delta + rooms.length) % rooms.length]!.id);
    }
    case 'room/next-activity':
      return selectRoom(state, nextActivityRoom(state));
    default:
      return state;
  }
}
