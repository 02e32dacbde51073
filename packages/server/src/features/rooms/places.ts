import type { RoomRow } from './repository.js';

/**
 * Room positions are sparse: a new room goes POSITION_GAP after the last one, a moved room takes the
 * midpoint of its new neighbours. So creating or moving a room changes that room's position only, and a
 * member never sees the rooms around them renumbered because of a room hidden from them (which would tell
 * them it exists). Only when two neighbours leave no integer between them is the category renumbered.
 */
export const POSITION_GAP = 1024;

/** Display order: by position, then by id (positions may tie, e.g. with a room the actor cannot see). */
export const byPlace = (a: { position: number; id: string }, b: { position: number; id: string }) =>
  a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Where a room goes after the last of `rooms` (the rooms of its category that the actor can see). */
export function positionAfter(rooms: readonly RoomRow[]): number {
  return rooms.length === 0 ? 0 : Math.max(...rooms.map((r) => r.position)) + POSITION_GAP;
}

/**
 * The position for a room placed between `prev` and `next` (either may be missing: the start or end of the
 * category), or null when no integer lies strictly between them and the category must be renumbered.
 */
export function positionBetween(prev: RoomRow | undefined, next: RoomRow | undefined): number | null {
  if (!prev && !next) return 0;
  if (!prev) return next!.position - POSITION_GAP;
  if (!next) return prev.position + POSITION_GAP;
  if (next.position - prev.position < 2) return null;
  return Math.floor((prev.position + next.position) / 2);
}
