import { retryRateLimited, signup, signupOwner, type Session } from './accounts.js';
import type { ChildServer } from './child-server.js';
import { connectAuthed } from './ws-client.js';

/** An owner, `n` members and one room everybody can see: the common starting point of the fault tests. */
export interface World {
  owner: Session;
  members: Session[];
  roomId: string;
}

export async function makeWorld(server: ChildServer, n: number, prefix = 'user'): Promise<World> {
  const owner = await retryRateLimited(() => signupOwner(server.url, server.firstRunInvite));
  const members: Session[] = [];
  for (let i = 0; i < n; i++) {
    members.push(await retryRateLimited(() => signup(server.url, `${prefix}${i}`, `password-${prefix}-${i}`)));
  }
  const c = await connectAuthed(server.wsUrl, owner.accessToken);
  try {
    const r = await c.request('room.create', { name: `${prefix}-room` });
    if (!r.ok) throw new Error(`room.create failed: ${JSON.stringify(r.error)}`);
    const roomId = (r.result as { room: { id: string } }).room.id;
    return { owner, members, roomId };
  } finally {
    c.close();
  }
}
