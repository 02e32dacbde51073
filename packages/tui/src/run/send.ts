import { LIMITS } from '@open-discord/protocol';
import { randomUUID } from 'node:crypto';
import { EXIT, ExitError } from './exit-codes.js';
import { connectForSnapshot, findRoomIn } from './headless.js';
import { notJoined } from './membership.js';
import { openClient, requireSession } from './open-client.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `od send ROOM [TEXT]`: one message (TEXT, or all of stdin), acknowledged by the server before exiting. */
export async function runSend(dir: string, server: string | undefined, room: string, text: string | undefined): Promise<void> {
  const body = (text ?? (await readStdin())).replace(/\s+$/, '');
  if (!body) throw new ExitError(EXIT.USAGE, 'nothing to send');
  if (body.length > LIMITS.maxMessageLength) {
    throw new ExitError(EXIT.USAGE, `message too long (${body.length}/${LIMITS.maxMessageLength} characters)`);
  }
  const { name, session } = requireSession(dir, server);
  const { client } = openClient(dir, name, session);
  try {
    const state = await connectForSnapshot(client);
    const roomId = findRoomIn(state, room);
    const out = notJoined(state, roomId, room);
    if (out) throw out;
    // The nonce makes the client's retry after a reconnect safe: the server stores the message once.
    const r = await client.request('message.send', { roomId, text: body, nonce: randomUUID() });
    process.stdout.write(`${r.message.id}\n`);
  } finally {
    client.close();
  }
}
