import { type ClientEvent, isCommunityRoom, isJoined, roomChanges, type SnapshotReason } from '@open-discord/protocol';
import type { AppState } from '../app-state.js';
import { emptyInput } from '../input/input-state.js';
import { notice } from '../notices/notices.js';
import { enterRoom } from './enter-room.js';
import { groupsOf, orderedRooms, roomLabel } from './selectors.js';

/** What changed the world: an event, or a snapshot loaded for a reason. */
export type WorldChange = { kind: 'event'; event: ClientEvent } | { kind: 'snapshot'; reason: SnapshotReason };

const without = <T>(rec: Record<string, T>, ids: readonly string[]): Record<string, T> => {
  if (!ids.some((id) => Object.hasOwn(rec, id))) return rec;
  const out = { ...rec };
  for (const id of ids) delete out[id];
  return out;
};

/**
 * The one place that follows the world's rooms, after every snapshot and event: what belonged to rooms that
 * are gone (deleted, or hidden by an access change) goes with them — their views, drafts, input history and
 * typing indicators; when the room on screen is gone the user is moved to the first room left, and the text
 * they had typed for it is dropped, so it cannot be sent to another room by accident; and the user is told.
 */
export function followRooms(prev: AppState, next: AppState, change: WorldChange): AppState {
  const world = next.world;
  if (!world) return next;
  const { gained, lost } = roomChanges(prev.world, world);
  let out: AppState = next;
  if (lost.length) {
    out = {
      ...out,
      views: without(out.views, lost),
      activity: without(out.activity as Record<string, unknown>, lost) as AppState['activity'],
      drafts: without(out.drafts, lost),
      history: without(out.history, lost),
      typing: without(out.typing as Record<string, Readonly<Record<string, number>>>, lost),
    };
  }
  const lostCurrent = prev.currentRoomId !== null && lost.includes(prev.currentRoomId);
  if (!out.currentRoomId || lostCurrent) {
    const first = orderedRooms(out)[0];
    const draft = first ? out.drafts[first.id] : undefined;
    out = { ...out, currentRoomId: null, input: draft ? { ...emptyInput(), ...draft } : emptyInput() };
    if (first) out = enterRoom(out, first.id);
  } else if (change.kind === 'snapshot' && change.reason === 'initial') {
    // Re-entering places the read ruler by the fresh read markers.
    out = enterRoom({ ...out, currentRoomId: null }, out.currentRoomId);
  }
  const text = change.kind === 'event' ? eventNotice(prev, out, change.event, gained, lostCurrent) : snapshotNotice(prev, out, change.reason, gained, lost, lostCurrent);
  return text ? notice(out, 'info', text) : out;
}

const label = (s: AppState, id: string) => `#${roomLabel(s, id)}`;

function eventNotice(prev: AppState, next: AppState, e: ClientEvent, gained: string[], lostCurrent: boolean): string | null {
  // An update of a room we did not have: it was opened to us (the access.changed snapshot follows).
  if (e.type === 'room.updated' && gained.includes(e.data.room.id)) return `now visible: ${label(next, e.data.room.id)}`;
  if (e.type === 'room.deleted' && lostCurrent) {
    const was = prev.world?.rooms[e.data.roomId] ? label(prev, e.data.roomId) : 'this room';
    return next.currentRoomId ? `${was} was deleted — now in ${label(next, next.currentRoomId)}` : `${was} was deleted`;
  }
  return null;
}

/** Always when the room on screen went away; for an access change, which rooms appeared and disappeared. */
function snapshotNotice(prev: AppState, next: AppState, reason: SnapshotReason, gained: string[], lost: string[], lostCurrent: boolean): string | null {
  if (reason === 'initial') return null;
  const parts: string[] = [];
  const here = next.currentRoomId ? label(next, next.currentRoomId) : null;
  if (lostCurrent) {
    const gone = label(prev, prev.currentRoomId!);
    parts.push(here ? `${gone} is no longer visible to you — now in ${here}` : `${gone} is no longer visible to you`);
  }
  if (reason === 'access-changed') {
    const others = lost.filter((id) => id !== prev.currentRoomId);
    if (others.length) parts.push(`no longer visible: ${others.map((id) => label(prev, id)).join(' ')}`);
    // Joined or not: a room that became visible is worth telling (the browser has it if it is not joined).
    const inOrder = groupsOf(next.world).flatMap((g) => g.rooms).filter((r) => gained.includes(r.id));
    if (inOrder.length) parts.push(`now visible: ${inOrder.map((r) => label(next, r.id)).join(' ')}`);
  }
  return parts.length ? parts.join('; ') : null;
}

/**
 * Rooms in the list of `next` that were not in the list of `prev` (visible after an access change, or
 * joined), in display order: their recent history is worth loading.
 */
export function roomsGained(prev: Pick<AppState, 'world'>, next: Pick<AppState, 'world'>): string[] {
  const world = next.world;
  if (!world) return [];
  const before = prev.world;
  // In the list now (visible and joined), and not before: opened to us, or joined (here or elsewhere).
  const had = (id: string) => before !== null && before.rooms[id] !== undefined && isJoined(before, id);
  return orderedRooms(next)
    .filter((r) => !isCommunityRoom(r.kind) || isJoined(world, r.id))
    .filter((r) => !had(r.id))
    .map((r) => r.id);
}
