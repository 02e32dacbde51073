import type { StateResult } from '@open-discord/protocol';
import { EXIT, ExitError } from './exit-codes.js';
import { connectForSnapshot, findRoomIn } from './headless.js';
import { openClient, requireSession } from './open-client.js';

/** A room one can see but is not in: its messages do not reach this account until it joins. */
export function notJoined(state: StateResult, roomId: string, room: string): ExitError | null {
  if (state.joined.includes(roomId)) return null;
  const name = room.replace(/^#/, '');
  return new ExitError(EXIT.NOT_FOUND, `you are not in #${name}: \`od join ${name}\` first`);
}

/** `od join ROOM` / `od part ROOM`: room membership for scripts and bots run from a shell. */
export async function runMembership(dir: string, server: string | undefined, room: string, join: boolean): Promise<string> {
  const { name, session } = requireSession(dir, server);
  const { client } = openClient(dir, name, session);
  try {
    const state = await connectForSnapshot(client);
    const roomId = findRoomIn(state, room);
    const label = `#${room.replace(/^#/, '')}`;
    if (join) {
      await client.request('room.join', { roomId });
      return `joined ${label}`;
    }
    await client.request('room.part', { roomId });
    return `left ${label}`;
  } finally {
    client.close();
  }
}
