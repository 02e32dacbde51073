import type { Permission } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { AccessView } from './access.js';

/**
 * Who performs a privileged change: a user id, or null for the server operator (the `od-server` command
 * line), who holds every permission and outranks every role.
 */
export type Actor = string | null;

/** How high an actor ranks: the top role position; the owner and the operator are above every role. */
export function rankOf(access: AccessView, actor: Actor): number {
  if (actor === null || access.isOwner(actor)) return Number.POSITIVE_INFINITY;
  return access.topPosition(actor);
}

export function holds(access: AccessView, actor: Actor, perm: Permission): boolean {
  return actor === null || access.hasPermission(actor, perm);
}

/** Refuse with FORBIDDEN, naming the missing permission, unless the actor holds it. */
export function requirePermission(access: AccessView, actor: Actor, perm: Permission, toDo: string): void {
  if (!holds(access, actor, perm)) throw new ProtocolError('FORBIDDEN', `you need the ${perm} permission to ${toDo}`);
}

/** Refuse unless the actor ranks strictly above `position` (acting on an equal or higher role is not allowed). */
export function requireAbove(access: AccessView, actor: Actor, position: number, what: string): void {
  if (rankOf(access, actor) <= position) {
    throw new ProtocolError('FORBIDDEN', `${what} is at or above your highest role`);
  }
}
