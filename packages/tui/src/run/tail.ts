import { applyEvent, applySnapshot, LIMITS, userById, type ConnectionStatus, type Message, type World } from '@open-discord/protocol';
import { sanitizeDisplay } from '../text/sanitize.js';
import { formatTime } from '../wrap/message-lines.js';
import { EXIT, ExitError } from './exit-codes.js';
import { connectForSnapshot, exitForFailure, findRoomIn } from './headless.js';
import { notJoined } from './membership.js';
import { openClient, requireSession } from './open-client.js';
import { loadBacklog, type Since } from './since.js';

/** Messages kept per room: tail prints messages as they come and never looks back. */
const TAIL_WINDOW = 1;

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

export type TailConnection = 'live' | 'offline';

/** One stderr line when the connection drops and one when it is live again; nothing for the steps between. */
export function connectionStep(was: TailConnection, s: ConnectionStatus): { now: TailConnection; line: string | null } {
  if (s.state === 'offline') return { now: 'offline', line: was === 'offline' ? null : 'od: offline, retrying…' };
  if (s.state === 'live') return { now: 'live', line: was === 'live' ? null : 'od: live again' };
  return { now: was, line: null };
}

/** The tailed room went away: nothing more can arrive. */
export function roomGone(room: string, what: string): ExitError {
  return new ExitError(EXIT.NOT_FOUND, `#${room.replace(/^#/, '')} ${what}`);
}

/**
 * `od tail ROOM [--json] [--since D|ORDER]`: print every new message in ROOM as it arrives, one line each,
 * until interrupted; with --since, the backlog first (oldest first), then live, with nothing twice.
 * Reconnects are the client's business; a session that cannot be refreshed ends the tail with an error.
 */
export async function runTail(dir: string, server: string | undefined, room: string, json: boolean, since?: Since): Promise<void> {
  const { name, session } = requireSession(dir, server);
  const { client } = openClient(dir, name, session);
  // The same world model as the chat and bots: it knows the nicknames (also of people removed since) and
  // whether the tailed room is still there. A small window per room is enough here: nothing is drawn.
  let world: World | null = null;
  client.on('snapshot', (s, reason) => {
    world = applySnapshot(world, s, reason, TAIL_WINDOW);
  });
  client.on('event', (e) => {
    if (world) world = applyEvent(world, e);
  });
  // Live messages that arrive while the backlog loads wait here, so the output stays in order.
  let held: Message[] | null = since ? [] : null;
  client.on('event', (e) => {
    if (held && e.type === 'message.created' && (!e.data.message.threadId || e.data.message.alsoInRoom)) held.push(e.data.message);
  });
  const state = await connectForSnapshot(client);
  const roomId = findRoomIn(state, room);
  // Only the rooms one is in deliver their messages: a tail of any other would wait for ever.
  const out = notJoined(state, roomId, room);
  if (out) {
    client.close();
    throw out;
  }
  let printed = 0;
  const print = (m: Message) => {
    if (m.roomId !== roomId || m.order <= printed) return;
    printed = m.order;
    const nick = (world && userById(world, m.authorId)?.nickname) ?? m.authorId;
    process.stdout.write(tailLine(m, nick, room, json) + '\n');
  };
  if (since) {
    const backlog = await loadBacklog(since, (before) =>
      client.request('history', { roomId, limit: LIMITS.historyMaxLimit, ...(before !== undefined && { before }) }),
    );
    for (const m of backlog) print(m);
    const waiting = held ?? [];
    held = null;
    for (const m of waiting) print(m);
  }
  await new Promise<void>((resolve, reject) => {
    // Set before we close the client ourselves, so our own close is not taken for a failure.
    let stopping = false;
    const stop = () => {
      stopping = true;
      client.close('interrupted');
      resolve();
    };
    const fail = (error: ExitError) => {
      stopping = true;
      client.close('interrupted');
      reject(error);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    client.on('event', (e) => {
      // The room's own messages: a thread-only reply belongs to its thread, not to the room's stream.
      const m = e.type === 'message.created' ? e.data.message : null;
      if (m && m.roomId === roomId && (!m.threadId || m.alsoInRoom) && !held) print(m);
      if (e.type === 'room.deleted' && e.data.roomId === roomId) fail(roomGone(room, 'was deleted'));
    });
    client.on('snapshot', () => {
      if (world && !world.rooms[roomId]) fail(roomGone(room, 'is no longer visible to you'));
    });
    let tracker: TailConnection = 'live';
    client.on('status', (s) => {
      if (s.state === 'closed') {
        if (!stopping) reject(exitForFailure(s));
        return;
      }
      const step = connectionStep(tracker, s);
      tracker = step.now;
      if (step.line) process.stderr.write(step.line + '\n');
    });
  });
}
