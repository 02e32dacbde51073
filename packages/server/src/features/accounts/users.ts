import { randomInt } from 'node:crypto';
import type { Me, PublicUser } from '@open-discord/protocol';
import type { Repositories } from '../../ports/storage.js';
import type { UserRow } from './repository.js';

type Store = Pick<Repositories, 'users' | 'roles'>;

/** What others see of a user: never the username. */
export async function publicUser(store: Store, u: UserRow): Promise<PublicUser> {
  const user: PublicUser = { id: u.id, nickname: u.nickname, color: u.color, roles: await store.roles.rolesOf(u.id) };
  if (u.statusText !== null) user.statusText = u.statusText;
  return user;
}

export async function meOf(store: Store, u: UserRow): Promise<Me> {
  const me: Me = { ...(await publicUser(store, u)), username: u.username };
  if (u.highlights.length) me.highlights = u.highlights;
  if (u.presenceMode !== 'auto') me.presenceMode = u.presenceMode;
  return me;
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const randomBase36 = (n: number) => Array.from({ length: n }, () => BASE36[randomInt(36)]).join('');

/**
 * A free nickname for someone who signed up without choosing one: `member-` and random characters, never
 * derived from the username (usernames are for logging in and are never shown to others).
 */
export async function generatedNickname(store: Store): Promise<string> {
  // Four characters (1.7 M names) while they are free; if we keep hitting taken ones, widen to twelve.
  for (let i = 0; i < 40; i++) {
    const candidate = `member-${randomBase36(i < 20 ? 4 : 12)}`;
    if (!(await store.users.idByNickname(candidate))) return candidate;
  }
  throw new Error('no free generated nickname');
}
