import type { Message } from '@open-discord/protocol';
import { sanitizeDisplay } from '../text/sanitize.js';
import { formatTime } from '../wrap/message-lines.js';
import { EXIT, ExitError } from './exit-codes.js';
import { connectForSnapshot, findRoomIn } from './headless.js';
import { openClient, requireSession } from './open-client.js';

/** Shown in text mode where a message had a line break, so one message is always one line. */
export const NEWLINE_MARK = '\u21b5';

/**
 * One printed line for a message. Text mode cleans terminal controls out of the nick and text and shows
 * line breaks as a mark, so a message can neither drive the terminal nor forge a line that looks like
 * someone else's. JSON mode is already escaped by JSON.stringify and stays exact.
 */
export function tailLine(m: Message, nick: string, room: string, json: boolean): string {
  if (json) {
    return JSON.stringify({ id: m.id, room: room.replace(/^#/, ''), roomId: m.roomId, authorId: m.authorId, nick, text: m.text, createdAt: m.createdAt, order: m.order, ...(m.action && { action: true }) });
  }
  const oneLine = (s: string) => sanitizeDisplay(s).replace(/\n/g, NEWLINE_MARK);
  const who = oneLine(nick);
  const text = oneLine(m.text);
  return m.action ? `${formatTime(m.createdAt)} * ${who} ${text}` : `${formatTime(m.createdAt)} <${who}> ${text}`;
}

/**
 * `od tail ROOM [--json]`: print every new message in ROOM as it arrives, one line each, until interrupted.
 * Reconnects are the client's business; a session that cannot be refreshed ends the tail with an error.
 */
export async function runTail(dir: string, server: string | undefined, room: string, json: boolean): Promise<void> {
  const { name, session } = requireSession(dir, server);
  const { client } = openClient(dir, name, session);
  const nicks = new Map<string, string>();
  client.on('snapshot', (s) => {
    for (const u of s.users) nicks.set(u.id, u.nickname);
  });
  const state = await connectForSnapshot(client);
  const roomId = findRoomIn(state, room);
  const print = (m: Message) => {
    process.stdout.write(tailLine(m, nicks.get(m.authorId) ?? m.authorId, room, json) + '\n');
  };
  client.on('event', (e) => {
    if (e.type === 'user.joined' || e.type === 'user.updated') nicks.set(e.data.user.id, e.data.user.nickname);
    if (e.type === 'message.created' && e.data.message.roomId === roomId) print(e.data.message);
  });
  await new Promise<void>((resolve, reject) => {
    const stop = () => {
      client.close('interrupted');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    client.on('status', (s) => {
      if (s.state === 'closed' && s.reason !== 'interrupted') reject(new ExitError(EXIT.FAILED, s.reason));
    });
  });
}
