import type { PresenceStatus, PublicUser, World } from '@open-discord/protocol';

/** How presence is drawn beside a name: a filled dot online, a half dot away, a ring offline. */
export const PRESENCE_MARK: Record<PresenceStatus, string> = { online: '●', away: '◐', offline: '○' };

const RANK: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };

export function presenceOf(u: Pick<PublicUser, 'online' | 'presence'> | undefined): PresenceStatus {
  return u?.presence ?? (u?.online ? 'online' : 'offline');
}

/** The highest role a member holds, by position (the implicit `everyone` is not shown). */
function topRole(world: World, u: PublicUser): string | null {
  let best: { name: string; position: number } | null = null;
  for (const id of u.roles) {
    const r = world.roles[id];
    if (r && (!best || r.position > best.position)) best = r;
  }
  return best?.name ?? null;
}

/**
 * The member list of a room as overlay lines: present people first (online, then away, then offline), each
 * by nickname, with their highest role and status text. `userIds` is the room's member set as the server
 * answered `room.members`; ids the world does not know (someone removed meanwhile) are left out.
 */
export function memberLines(world: World, roomLabel: string, userIds: readonly string[]): string[] {
  const members = userIds.map((id) => world.users[id]).filter((u): u is PublicUser => u !== undefined);
  members.sort((a, b) => RANK[presenceOf(a)] - RANK[presenceOf(b)] || a.nickname.localeCompare(b.nickname));
  const counts = { online: 0, away: 0, offline: 0 };
  for (const u of members) counts[presenceOf(u)]++;
  const lines = [`${roomLabel}: ${members.length} member${members.length === 1 ? '' : 's'} — ● ${counts.online} online  ◐ ${counts.away} away  ○ ${counts.offline} offline`];
  for (const u of members) {
    const role = topRole(world, u);
    const me = u.id === world.me.id ? ' (you)' : '';
    lines.push(`  ${PRESENCE_MARK[presenceOf(u)]} ${u.nickname}${me}${role ? `  [${role}]` : ''}${u.statusText ? `  — ${u.statusText}` : ''}`);
  }
  return lines;
}
