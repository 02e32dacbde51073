import type { PresenceStatus, PublicUser, World } from '@open-discord/protocol';

/** How presence is drawn beside a name: a filled dot online, a half dot away, a ring offline. */
export const PRESENCE_MARK: Record<PresenceStatus, string> = { online: '●', away: '◐', offline: '○' };

export function presenceOf(u: Pick<PublicUser, 'online' | 'presence'> | undefined): PresenceStatus {
  return u?.presence ?? (u?.online ? 'online' : 'offline');
}

/** The highest role a member holds, by position, with its colour (the implicit `everyone` is not shown). */
export function topRoleOf(world: World, u: PublicUser): { name: string; position: number; color?: string | null } | null {
  let best: { name: string; position: number; color?: string | null } | null = null;
  for (const id of u.roles) {
    const r = world.roles[id];
    if (r && (!best || r.position > best.position)) best = r;
  }
  return best;
}
