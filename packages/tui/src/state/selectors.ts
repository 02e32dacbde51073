import { paneLines, type PaneLines } from '../wrap/view-lines.js';
import type { Author } from '../wrap/message-lines.js';
import { layoutOf } from './layout.js';
import { nickColor } from './nick-color.js';
import { roleColor } from './roles.js';
import type { AppState, RoomView } from './types.js';
import type { Room } from './wire-types.js';

export interface RoomGroup {
  /** Category id, null for uncategorised rooms, 'dm' for direct and group conversations. */
  id: string | null;
  name: string | null;
  rooms: Room[];
}

const byPosition = (a: { position: number; name: string }, b: { position: number; name: string }) =>
  a.position - b.position || a.name.localeCompare(b.name);
/** The server's order for rooms and categories: by position, ties (sparse positions may tie) by id. */
const byPlace = (a: { position: number; id: string }, b: { position: number; id: string }) =>
  a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Rooms grouped by category, in server order: uncategorised first, then categories, then conversations. */
export function roomGroups(state: Pick<AppState, 'rooms' | 'categories'>): RoomGroup[] {
  const rooms = Object.values(state.rooms);
  const groups: RoomGroup[] = [];
  const loose = rooms.filter((r) => r.kind === 'text' && (r.categoryId === null || !state.categories[r.categoryId]));
  if (loose.length) groups.push({ id: null, name: null, rooms: loose.sort(byPlace) });
  for (const c of Object.values(state.categories).sort(byPlace)) {
    groups.push({ id: c.id, name: c.name, rooms: rooms.filter((r) => r.kind === 'text' && r.categoryId === c.id).sort(byPlace) });
  }
  const convs = rooms.filter((r) => r.kind !== 'text').sort(byPosition);
  if (convs.length) groups.push({ id: 'dm', name: 'direct', rooms: convs });
  return groups;
}

/** Every room in display order (what Alt+1..9 and Ctrl+N/P walk). */
export function orderedRooms(state: Pick<AppState, 'rooms' | 'categories'>): Room[] {
  return roomGroups(state).flatMap((g) => g.rooms);
}

export function roomLabel(state: Pick<AppState, 'users' | 'me'>, room: Room): string {
  if (room.kind === 'text') return room.name;
  const others = (room.members ?? []).filter((id) => id !== state.me?.id).map((id) => state.users[id]?.nickname ?? '?');
  return others.length ? others.join(', ') : room.name;
}

/** Nickname and colour: the user's own colour, else their highest coloured role's, else the hashed default. */
export function authorOf(state: Pick<AppState, 'users' | 'roles'>, userId: string): Author {
  const u = state.users[userId];
  return { nick: u?.nickname ?? 'unknown', color: nickColor(userId, u?.color ?? (u ? roleColor(state.roles, u) : null)) };
}

export function currentView(state: AppState): RoomView | null {
  return state.currentRoomId ? (state.views[state.currentRoomId] ?? null) : null;
}

/** The rows of the message pane for the current room at the current size and scroll position. */
export function visiblePane(state: AppState): PaneLines & { height: number; newBelow: number } {
  const l = layoutOf(state);
  const view = currentView(state);
  const room = state.currentRoomId ? state.rooms[state.currentRoomId] : undefined;
  if (!view || !room) return { lines: [], atTop: true, scroll: 0, height: l.paneHeight, newBelow: 0 };
  const pane = paneLines(
    view,
    { width: l.paneWidth, meId: state.me?.id ?? null, roomName: roomLabel(state, room), author: (id) => authorOf(state, id) },
    l.paneHeight,
    view.scroll,
  );
  return { ...pane, height: l.paneHeight, newBelow: view.newBelow };
}

/** The current room needs older history: its view reaches the oldest loaded message and more exist. */
export function historyWanted(state: AppState): { roomId: string; before: number | undefined } | null {
  const view = currentView(state);
  if (!view || !state.currentRoomId || view.end || view.loading) return null;
  if (state.status.state !== 'live') return null;
  if (view.messages.length > 0 && !visiblePane(state).atTop) return null;
  return { roomId: state.currentRoomId, before: view.messages[0]?.order };
}

/** The current room shows its newest message and it is not yet marked read. */
export function readWanted(state: AppState): { roomId: string; order: number } | null {
  const view = currentView(state);
  if (!view || !state.currentRoomId || view.scroll > 0 || state.status.state !== 'live') return null;
  const last = view.messages[view.messages.length - 1];
  if (!last || last.order <= view.readMarker) return null;
  return { roomId: state.currentRoomId, order: last.order };
}

/** The next room (after the current one, wrapping) with unread messages; mentions win. */
export function nextActivityRoom(state: AppState): string | null {
  const rooms = orderedRooms(state);
  const at = rooms.findIndex((r) => r.id === state.currentRoomId);
  const rotated = [...rooms.slice(at + 1), ...rooms.slice(0, Math.max(0, at))];
  const mention = rotated.find((r) => (state.views[r.id]?.mentions ?? 0) > 0);
  if (mention) return mention.id;
  return rotated.find((r) => (state.views[r.id]?.unread ?? 0) > 0)?.id ?? null;
}

/** Fuzzy subsequence match: lower scores are better; null when `query` is not a subsequence of `name`. */
export function fuzzyScore(query: string, name: string): number | null {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  if (!q) return 0;
  if (n.startsWith(q)) return -1000 + n.length;
  let pos = -1;
  let score = 0;
  for (const ch of q) {
    const next = n.indexOf(ch, pos + 1);
    if (next < 0) return null;
    score += next - pos - 1; // gaps cost
    pos = next;
  }
  return score + n.length / 100;
}

export function switcherResults(state: AppState): Room[] {
  if (state.overlay?.kind !== 'switcher') return [];
  const q = state.overlay.query;
  return orderedRooms(state)
    .map((r) => ({ r, s: fuzzyScore(q, roomLabel(state, r)) }))
    .filter((x): x is { r: Room; s: number } => x.s !== null)
    .sort((a, b) => a.s - b.s)
    .map((x) => x.r);
}

/** The text of the newest mention notification: "alice in #dev: are you there?". */
export function mentionNotice(state: AppState): string | null {
  const m = state.lastMention;
  if (!m) return null;
  const room = state.rooms[m.roomId];
  const where = room ? ` in #${roomLabel(state, room)}` : '';
  return `${state.users[m.authorId]?.nickname ?? 'someone'}${where}: ${m.text}`;
}
