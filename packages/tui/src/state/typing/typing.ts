import { userById } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';

/*
 * Who is typing where. Typing is ephemeral (never in the event log): a notice lives TYPING_TTL_MS after it
 * arrived, by the injected clock, and senders repeat it every TYPING_RESEND_MS while they type, so a notice
 * outlives the gap between two repeats and one lost frame does not make the indicator flicker.
 */
export const TYPING_TTL_MS = 5_000;
export const TYPING_RESEND_MS = 3_000;

/** roomId → userId → when the indicator expires (epoch ms). */
export type TypingState = Readonly<Record<string, Readonly<Record<string, number>>>>;

function live(entries: Readonly<Record<string, number>> | undefined, now: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [u, until] of Object.entries(entries ?? {})) if (until > now) out[u] = until;
  return out;
}

/** A `typing` notice arrived at `at`. Expired entries of the room are dropped on the way. */
export function typingStarted(state: AppState, roomId: string, userId: string, at: number): AppState {
  if (!state.world?.rooms[roomId] || userId === state.world.me.id) return state;
  const room = live(state.typing[roomId], at);
  room[userId] = at + TYPING_TTL_MS;
  return { ...state, typing: { ...state.typing, [roomId]: room } };
}

/** Their message arrived: they stopped typing it. */
export function typingStopped(state: AppState, roomId: string, userId: string): AppState {
  const room = state.typing[roomId];
  if (!room || room[userId] === undefined) return state;
  const { [userId]: _gone, ...rest } = room;
  return { ...state, typing: { ...state.typing, [roomId]: rest } };
}

/** Nicknames typing in the current room at `now`, sorted so the line does not reshuffle. */
export function typingNames(state: Pick<AppState, 'typing' | 'currentRoomId' | 'world'>, now: number): string[] {
  const world = state.world;
  if (!state.currentRoomId || !world) return [];
  const room = live(state.typing[state.currentRoomId], now);
  return Object.keys(room)
    .map((id) => userById(world, id)?.nickname ?? 'someone')
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}

/** When the current room's indicator next changes by itself (the soonest expiry), or null. */
export function nextTypingExpiry(state: Pick<AppState, 'typing' | 'currentRoomId'>, now: number): number | null {
  if (!state.currentRoomId) return null;
  const times = Object.values(live(state.typing[state.currentRoomId], now));
  return times.length ? Math.min(...times) : null;
}

/** "alice is typing…", "alice and bob are typing…", "alice, bob and carol are typing…", "4 people are typing…". */
export function typingText(names: readonly string[]): string | null {
  switch (names.length) {
    case 0:
      return null;
    case 1:
      return `${names[0]} is typing…`;
    case 2:
      return `${names[0]} and ${names[1]} are typing…`;
    case 3:
      return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
    default:
      return `${names.length} people are typing…`;
  }
}

/** The typing/ slice's action: a notice arrived. */
export function typingReducer(state: AppState, action: Action): AppState {
  return action.type === 'typing' ? typingStarted(state, action.roomId, action.userId, action.at) : state;
}
