import type { Message, NotifyLevel, Room } from '../model.js';
import { mentionsMe, userById, type World } from './world.js';

/*
 * What clients show of direct and group chats and of a user's own room settings, read from the World:
 * names, notification decisions and read receipts. Pure functions, shared by `od` and bots.
 */

/** Is this a direct or group chat (members only, listed apart from the text rooms)? */
export const isChat = (room: Room): boolean => room.kind !== 'text';

/** The name this user sees for a room: their local name, else a DM's other member, else the room's name. */
export function roomLabel(world: Pick<World, 'me' | 'users' | 'formerUsers' | 'roomSettings'>, room: Room): string {
  const local = world.roomSettings[room.id]?.localName;
  if (local) return local;
  if (room.kind === 'dm') {
    const other = room.members?.find((id) => id !== world.me.id) ?? world.me.id;
    return userById(world, other)?.nickname ?? 'direct chat';
  }
  return room.name;
}

/** The room's effective notification level for this user: its own, else their default for its kind. */
export function notifyLevel(world: Pick<World, 'rooms' | 'roomSettings' | 'notifyDefaults'>, roomId: string): NotifyLevel {
  const own = world.roomSettings[roomId]?.level;
  if (own) return own;
  const room = world.rooms[roomId];
  return room && isChat(room) ? world.notifyDefaults.chats : world.notifyDefaults.rooms;
}

export const isMuted = (world: Pick<World, 'roomSettings'>, roomId: string): boolean => world.roomSettings[roomId]?.muted === true;

/** Muted, or level none: shown dimmed, never rings. */
export const isQuiet = (world: Pick<World, 'rooms' | 'roomSettings' | 'notifyDefaults'>, roomId: string): boolean =>
  isMuted(world, roomId) || notifyLevel(world, roomId) === 'none';

/** Should this new message notify (bell / desktop notice)? Never for my own, a muted room or level none. */
export function shouldNotify(world: World, m: Message): boolean {
  if (m.authorId === world.me.id || isQuiet(world, m.roomId)) return false;
  return notifyLevel(world, m.roomId) === 'all' || mentionsMe(world, m);
}

/**
 * Read receipts of a chat: for each loaded message, the other members whose marker is at it, i.e. the
 * last message they have read ("seen by …" goes under it). Keyed by message id.
 */
export function seenBy(world: World, roomId: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const receipts = world.receipts[roomId];
  const list = world.messages[roomId] ?? [];
  if (!receipts || list.length === 0) return out;
  for (const [userId, order] of Object.entries(receipts)) {
    // The newest loaded message at or before the marker.
    let at: Message | undefined;
    for (let i = list.length - 1; i >= 0; i--) if (list[i]!.order <= order) { at = list[i]; break; }
    if (!at) continue;
    out.set(at.id, [...(out.get(at.id) ?? []), userId]);
  }
  for (const ids of out.values()) ids.sort();
  return out;
}
