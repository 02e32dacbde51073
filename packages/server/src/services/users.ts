import type { Me, PublicUser } from '@open-discord/protocol';
import type { Store, UserRow } from '../store/store.js';

/** What others see of a user: never the username. */
export function publicUser(store: Store, u: UserRow): PublicUser {
  return { id: u.id, nickname: u.nickname, color: u.color, roles: store.roles.rolesOf(u.id) };
}

export function meOf(store: Store, u: UserRow): Me {
  return { ...publicUser(store, u), username: u.username };
}

/** A free nickname close to `wanted`: itself, else with a numeric suffix (bounded search). */
export function freeNickname(store: Store, wanted: string, newId: () => string): string {
  if (!store.users.idByNickname(wanted)) return wanted;
  const base = wanted.slice(0, 28);
  for (let i = 2; i < 1000; i++) {
    const candidate = `${base}${i}`;
    if (!store.users.idByNickname(candidate)) return candidate;
  }
  return `${base.slice(0, 20)}-${newId().replace(/[^\p{L}\p{N}]/gu, '').slice(0, 8)}`;
}
