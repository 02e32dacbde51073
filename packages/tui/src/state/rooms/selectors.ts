import type { Room, World } from '@open-discord/protocol';
import { isCommunityRoom, isJoined } from '@open-discord/protocol';
import type { AppState } from '../app-state.js';
import { roomView } from '../messages/selectors.js';

export interface RoomGroup {
  /** Category id, null for uncategorised rooms, 'dm' for direct and group conversations. */
  id: string | null;
  name: string | null;
  rooms: Room[];
}

type RoomsOf = Pick<World, 'rooms' | 'categories'>;

const byPosition = (a: { position: number; name: string }, b: { position: number; name: string }) =>
  a.position - b.position || a.name.localeCompare(b.name);
/** The server's order for rooms and categories: by position, ties (sparse positions may tie) by id. */
const byPlace = (a: { position: number; id: string }, b: { position: number; id: string }) =>
  a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Rooms grouped by category, in server order: uncategorised first, then categories, then conversations. */
export function groupsOf(world: RoomsOf | null): RoomGroup[] {
  if (!world) return [];
  const rooms = Object.values(world.rooms);
  const groups: RoomGroup[] = [];
  const loose = rooms.filter((r) => isCommunityRoom(r.kind) && (r.categoryId === null || !world.categories[r.categoryId]));
  if (loose.length) groups.push({ id: null, name: null, rooms: loose.sort(byPlace) });
  for (const c of Object.values(world.categories).sort(byPlace)) {
    groups.push({ id: c.id, name: c.name, rooms: rooms.filter((r) => isCommunityRoom(r.kind) && r.categoryId === c.id).sort(byPlace) });
  }
  const convs = rooms.filter((r) => !isCommunityRoom(r.kind)).sort(byPosition);
  if (convs.length) groups.push({ id: 'dm', name: 'direct messages', rooms: convs });
  return groups;
}

type ListState = Pick<AppState, 'world'> & Partial<Pick<AppState, 'prefs' | 'currentRoomId'>>;

/**
 * The room list: the rooms this user is in (and the one on screen, when they are looking into one they
 * have not joined). The others are in the room browser (/list).
 */
export const roomGroups = (state: ListState): RoomGroup[] => {
  const world = state.world;
  const groups = groupsOf(world);
  if (!world) return groups;
  const shown = (r: Room) => !isCommunityRoom(r.kind) || isJoined(world, r.id) || r.id === state.currentRoomId;
  return groups.map((g) => ({ ...g, rooms: g.rooms.filter(shown) })).filter((g) => g.rooms.length > 0 || g.id !== 'dm');
};

/** The room browser's lines: every text room this user can see, by category, joined ones marked. */
export function roomBrowser(world: World): string[] {
  const lines = ['rooms you can see (● joined) — /join #name joins, /part leaves'];
  for (const g of groupsOf(world)) {
    if (g.id === 'dm' || g.rooms.length === 0) continue;
    if (g.name !== null) lines.push(g.name);
    for (const r of g.rooms) lines.push(`  ${isJoined(world, r.id) ? '●' : ' '} #${r.name}${r.topic ? ` — ${r.topic}` : ''}`);
  }
  return lines;
}

/** Every room in display order (what Alt+1..9 and Ctrl+N/P walk). */
export function orderedRooms(state: ListState): Room[] {
  return roomGroups(state).flatMap((g) => g.rooms);
}

/**
 * `general` for a text room; a group chat's name; the other member's nickname for a direct chat; and the
 * user's own name for the room (/rename-local) before any of these.
 */
export function roomLabelOf(world: Pick<World, 'users' | 'me'> & Partial<Pick<World, 'roomSettings'>>, room: Room): string {
  const local = world.roomSettings?.[room.id]?.localName;
  if (local) return local;
  if (isCommunityRoom(room.kind) || (room.kind === 'group' && room.name)) return room.name;
  const others = (room.members ?? []).filter((id) => id !== world.me.id).map((id) => world.users[id]?.nickname ?? '?');
  return others.length ? others.join(', ') : room.name;
}

/** The label of a room by id (the id itself when it is unknown). */
export function roomLabel(state: Pick<AppState, 'world'>, roomId: string): string {
  const room = state.world?.rooms[roomId];
  return room && state.world ? roomLabelOf(state.world, room) : roomId;
}

/** The next room (after the current one, wrapping) with unread messages; mentions win. */
export function nextActivityRoom(state: AppState): string | null {
  const rooms = orderedRooms(state);
  const at = rooms.findIndex((r) => r.id === state.currentRoomId);
  const rotated = [...rooms.slice(at + 1), ...rooms.slice(0, Math.max(0, at))];
  const mention = rotated.find((r) => (roomView(state, r.id)?.mentions ?? 0) > 0);
  if (mention) return mention.id;
  return rotated.find((r) => (roomView(state, r.id)?.unread ?? 0) > 0)?.id ?? null;
}
