import { retryRateLimited, signup, signupOwner, type Session } from './accounts.js';
import type { ChildServer } from './child-server.js';
import { connectAuthed } from './ws-client.js';

/**
 * An owner, `n` members and one room everybody is in: the common starting point of the fault tests. The owner
 * is in the room as its creator; each member joins it (`room.join`), as a person would before talking there.
 */
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
  let roomId: string;
  try {
    const r = await c.request('room.create', { name: `${prefix}-room` });
    if (!r.ok) throw new Error(`room.create failed: ${JSON.stringify(r.error)}`);
    roomId = (r.result as { room: { id: string } }).room.id;
  } finally {
    c.close();
  }
  // One connection at a time: some tests run the server with a small per-IP connection cap.
  for (const m of members) await joinRoom(server, m, roomId);
  return { owner, members, roomId };
}

/** `session` joins the room (its messages reach members only; sending needs membership). */
export async function joinRoom(server: ChildServer, session: Session, roomId: string): Promise<void> {
  const c = await connectAuthed(server.wsUrl, session.accessToken);
  try {
    const r = await c.request('room.join', { roomId });
    if (!r.ok) throw new Error(`${session.username}: room.join failed: ${JSON.stringify(r.error)}`);
  } finally {
    c.close();
  }
}
