import { enterRoom } from './enter-room.js';
import { emptyInput } from './input-reducer.js';
import { emptyView } from './messages.js';
import { orderedRooms, roomLabel } from './selectors.js';
import { sanitizeRecord } from '../text/sanitize.js';
import type { AppState, RoomView } from './types.js';
import { typingForRooms } from './typing.js';
import type { SnapshotReason, StateResult } from './wire-types.js';

/*
 * A `snapshot` replaces the world: on the first connect, after a gap too large to replay (what was loaded is
 * dropped and marked), and when this user's access changed (rooms come and go; the rest is kept).
 */

/** Names and topics come from other people: cleaned of control characters on the way in. */
const byId = <T extends { id: string }>(list: readonly T[]): Record<string, T> =>
  Object.fromEntries(list.map((x) => [x.id, sanitizeRecord(x)]));

export function applySnapshot(state: AppState, snap: StateResult, reason: SnapshotReason): AppState {
  const views: Record<string, RoomView> = {};
  for (const room of snap.rooms) {
    const old = state.views[room.id];
    const base: RoomView =
      old && reason !== 'initial'
        ? reason === 'gap-too-large'
          ? // Events were missed and will never be replayed: drop what we had, reload, and say so on screen.
            { ...old, messages: [], end: false, loading: false, scroll: 0, newBelow: 0, reloaded: { before: null } }
          : old
        : { ...emptyView(), pending: old?.pending ?? [] };
    const unread = snap.unread[room.id];
    views[room.id] = {
      ...base,
      readMarker: snap.readMarkers[room.id] ?? 0,
      unread: unread?.count ?? 0,
      mentions: unread?.mentions ?? 0,
    };
  }
  let next: AppState = {
    ...state,
    me: sanitizeRecord(snap.me),
    users: byId(snap.users),
    rooms: byId(snap.rooms),
    categories: byId(snap.categories),
    roles: byId(snap.roles),
    views,
  };
  next = { ...next, typing: typingForRooms(state.typing, next.rooms), ...forgetHidden(state, next.rooms) };
  const lostCurrent = !!state.currentRoomId && !next.rooms[state.currentRoomId];
  if (!next.currentRoomId || !next.rooms[next.currentRoomId]) {
    const first = orderedRooms(next)[0];
    // What was typed belonged to a room that is gone: it must not be sent to another one by accident.
    const draft = first ? next.drafts[first.id] : undefined;
    next = { ...next, currentRoomId: null, input: draft ? { ...emptyInput(), ...draft } : emptyInput() };
    if (first) next = enterRoom(next, first.id);
  } else if (reason === 'initial') {
    next = enterRoom({ ...next, currentRoomId: null }, next.currentRoomId!);
  }
  if (reason === 'initial') return next;
  const notice = accessNotice(state, next, reason, lostCurrent);
  return notice ? { ...next, flash: { kind: 'info', text: notice } } : next;
}

/** Drafts and input history of rooms that are gone are dropped with them. */
function forgetHidden(state: AppState, rooms: AppState['rooms']): Pick<AppState, 'drafts' | 'history'> {
  const keep = <T>(rec: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(rec).filter(([id]) => rooms[id]));
  return { drafts: keep(state.drafts), history: keep(state.history) };
}

/** Rooms in `next` that `prev` did not have (e.g. visible after an access change), in display order. */
export function roomsGained(prev: Pick<AppState, 'rooms'>, next: Pick<AppState, 'rooms' | 'categories'>): string[] {
  return orderedRooms(next)
    .filter((r) => !prev.rooms[r.id])
    .map((r) => r.id);
}

/**
 * Say what changed when a snapshot replaced the room list: always when the current room went away, and
 * for an access change which rooms appeared or disappeared.
 */
function accessNotice(prev: AppState, next: AppState, reason: SnapshotReason, lostCurrent: boolean): string | null {
  const name = (s: AppState, id: string) => `#${roomLabel(s, s.rooms[id]!)}`;
  const parts: string[] = [];
  const here = next.currentRoomId ? name(next, next.currentRoomId) : null;
  if (lostCurrent) {
    const gone = name(prev, prev.currentRoomId!);
    parts.push(here ? `${gone} is no longer visible to you — now in ${here}` : `${gone} is no longer visible to you`);
  }
  if (reason === 'access-changed') {
    const lost = Object.keys(prev.rooms).filter((id) => !next.rooms[id] && id !== prev.currentRoomId);
    if (lost.length) parts.push(`no longer visible: ${lost.map((id) => name(prev, id)).join(' ')}`);
    const gained = roomsGained(prev, next);
    if (gained.length) parts.push(`now visible: ${gained.map((id) => name(next, id)).join(' ')}`);
  }
  return parts.length ? parts.join('; ') : null;
}
