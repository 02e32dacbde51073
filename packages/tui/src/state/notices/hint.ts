import type { World } from '@open-discord/protocol';
import type { AppState } from '../app-state.js';
import { currentView } from '../messages/selectors.js';

/** Whether I may create rooms: a role of mine (or everyone's) grants it, or I hold the highest role. */
export function canCreateRooms(world: Pick<World, 'me' | 'roles'>): boolean {
  const roles = Object.values(world.roles);
  const top = Math.max(...roles.map((r) => r.position));
  return roles.some(
    (r) => (world.me.roles.includes(r.id) || (r.builtin && r.position === 0)) && (r.permissions.includes('create_rooms') || (r.builtin && r.position === top)),
  );
}

export const WELCOME = 'Welcome! /help lists commands · Ctrl+K switches rooms · invite friends: od-server invite create';

/**
 * The one-line hint at the bottom of an empty first screen: with no room at all, how to make one; in a room
 * nobody has written in yet, or right after signing up until I have said something in the room, what to do
 * first. Nothing once the room is under way.
 */
export function paneHint(state: AppState): string | null {
  const world = state.world;
  if (!world) return null;
  if (Object.keys(world.rooms).length === 0) {
    return canCreateRooms(world)
      ? 'No rooms yet. Create the first one: /create general  ·  /help lists every command'
      : 'No rooms you can see yet: ask the owner to create one  ·  /help lists every command';
  }
  const view = currentView(state);
  if (!view || view.scroll > 0) return null;
  const empty = view.end && view.messages.length === 0 && view.pending.length === 0;
  const spoke = view.pending.length > 0 || view.messages.some((m) => m.authorId === world.me.id);
  return empty || (state.greeting && !spoke) ? WELCOME : null;
}
