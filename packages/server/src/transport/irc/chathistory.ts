import type { Message, Room } from '@open-discord/protocol';
import { OdRequestError } from './bridge.js';
import type { IrcConnection } from './connection.js';
import { messageLines, targetOf } from './render.js';

/*
 * IRCv3 draft/chathistory backed by od history (`history`, `history.around`), authorised like any other
 * history request. od finds messages by order and id; a `timestamp=` reference is resolved by reading back
 * through the room's newest pages (at most SCAN_PAGES of them), documented in docs/irc.md.
 */

export const CHATHISTORY_MAX = 100;
const SCAN_PAGES = 5;
const PAGE = 200;

type Ref = { kind: 'msgid'; id: string } | { kind: 'timestamp'; at: number } | { kind: 'none' };

function parseRef(s: string | undefined): Ref | null {
  if (s === '*') return { kind: 'none' };
  if (!s) return null;
  if (s.startsWith('msgid=') && s.length > 6) return { kind: 'msgid', id: s.slice(6) };
  if (s.startsWith('timestamp=')) {
    const at = Date.parse(s.slice(10));
    return Number.isFinite(at) ? { kind: 'timestamp', at } : null;
  }
  return null;
}

/** The room a history target names: a visible channel, or the direct chat with a nick (null: none yet). */
function roomOf(c: IrcConnection, target: string): Room | null | 'invalid' {
  if (/^[#&]/.test(target)) return c.roomOfChannel(target) ?? 'invalid';
  const u = c.userOfNick(target);
  if (!u) return 'invalid';
  const me = c.world!.me.id;
  return Object.values(c.world!.rooms).find((r) => r.kind === 'dm' && r.members?.includes(u.id) && (u.id !== me || r.members.every((x) => x === me))) ?? null;
}

export async function runChathistory(c: IrcConnection, p: string[]): Promise<void> {
  const sub = (p[0] ?? '').toUpperCase();
  const fail = (code: string, ...rest: string[]) => c.standard('FAIL', 'CHATHISTORY', code, ...rest);
  if (!sub) return fail('NEED_MORE_PARAMS', 'Missing subcommand');
  if (!['LATEST', 'BEFORE', 'AFTER', 'AROUND', 'BETWEEN', 'TARGETS'].includes(sub)) return fail('INVALID_PARAMS', sub, 'Unknown subcommand');
  if (sub === 'TARGETS') return targets(c, p);
  const target = p[1];
  const limitArg = sub === 'BETWEEN' ? p[4] : p[3];
  if (!target || limitArg === undefined) return fail('NEED_MORE_PARAMS', sub, 'Missing parameters');
  const limit = Number(limitArg);
  if (!Number.isInteger(limit) || limit < 1 || limit > CHATHISTORY_MAX) return fail('INVALID_PARAMS', sub, `Limit must be 1 to ${CHATHISTORY_MAX}`);
  const ref = parseRef(p[2]);
  const ref2 = sub === 'BETWEEN' ? parseRef(p[3]) : { kind: 'none' as const };
  if (!ref || !ref2 || (ref.kind === 'none' && sub !== 'LATEST') || (sub === 'BETWEEN' && ref2.kind === 'none')) {
    return fail('INVALID_PARAMS', sub, 'Invalid message reference');
  }
  const room = roomOf(c, target);
  if (room === 'invalid') return fail('INVALID_TARGET', sub, target, 'No such channel or nick');
  let messages: Message[] = [];
  try {
    if (room) messages = await select(c, room, sub, ref, ref2, limit);
  } catch (e) {
    if (e instanceof OdRequestError && e.body.code === 'NOT_FOUND') {
      // A hidden room answers as a missing one; an unknown msgid is a message error.
      if (/^[#&]/.test(target) && !c.roomOfChannel(target)) return fail('INVALID_TARGET', sub, target, 'No such channel or nick');
      return fail('MESSAGE_ERROR', sub, target, 'No such message');
    }
    return fail('MESSAGE_ERROR', sub, target, e instanceof OdRequestError ? e.body.message : 'history unavailable');
  }
  const ref3 = c.newBatch();
  c.send({ source: c.o.serverName, command: 'BATCH', params: [`+${ref3}`, 'chathistory', target] });
  for (const m of messages) {
    const to = room ? targetOf(c, room, m.authorId) ?? target : target;
    for (const l of messageLines(c, m, to, ref3)) c.send(l);
  }
  c.send({ source: c.o.serverName, command: 'BATCH', params: [`-${ref3}`] });
}

/** Where a reference points: the order of the message (msgid) or of the first message at or after a time. */
async function orderOf(c: IrcConnection, room: Room, ref: Ref): Promise<{ order: number; id: string | null } | null> {
  if (ref.kind === 'msgid') {
    const r = await c.link!.request('history.around', { roomId: room.id, messageId: ref.id, before: 0, after: 0 });
    const m = r.messages.find((x) => x.id === ref.id);
    return m ? { order: m.order, id: m.id } : null;
  }
  if (ref.kind !== 'timestamp') return null;
  let before: number | undefined;
  let firstAtOrAfter: Message | null = null;
  for (let i = 0; i < SCAN_PAGES; i++) {
    const page = await c.link!.request('history', { roomId: room.id, limit: PAGE, ...(before !== undefined && { before }) });
    for (let j = page.messages.length - 1; j >= 0; j--) {
      const m = page.messages[j]!;
      if (m.createdAt < ref.at) return { order: firstAtOrAfter ? firstAtOrAfter.order : m.order + 1, id: null };
      firstAtOrAfter = m;
    }
    if (page.end || !page.messages.length) break;
    before = page.messages[0]!.order;
  }
  return firstAtOrAfter ? { order: firstAtOrAfter.order, id: null } : { order: 0, id: null };
}

async function after(c: IrcConnection, room: Room, from: { order: number; id: string | null }, inclusive: boolean, limit: number): Promise<Message[]> {
  // Forward reads go by history pages ending at the newest; bounded by SCAN_PAGES.
  let out: Message[] = [];
  let before: number | undefined;
  for (let i = 0; i < SCAN_PAGES; i++) {
    const page = await c.link!.request('history', { roomId: room.id, limit: PAGE, ...(before !== undefined && { before }) });
    out = [...page.messages, ...out];
    if (page.end || !page.messages.length || page.messages[0]!.order <= from.order) break;
    before = page.messages[0]!.order;
  }
  return out.filter((m) => (inclusive ? m.order >= from.order : m.order > from.order)).slice(0, limit);
}

async function select(c: IrcConnection, room: Room, sub: string, ref: Ref, ref2: Ref, limit: number): Promise<Message[]> {
  const history = (before?: number, n = limit) =>
    c.link!.request('history', { roomId: room.id, limit: n, ...(before !== undefined && { before }) }).then((r) => r.messages);
  switch (sub) {
    case 'LATEST': {
      if (ref.kind === 'none') return history();
      const from = await orderOf(c, room, ref);
      if (!from) return [];
      // The newest `limit` messages after the reference.
      return (await history()).filter((m) => m.order > from.order || (ref.kind === 'timestamp' && m.order >= from.order));
    }
    case 'BEFORE': {
      const from = await orderOf(c, room, ref);
      return from ? history(from.order) : [];
    }
    case 'AFTER': {
      const from = await orderOf(c, room, ref);
      if (!from) return [];
      if (ref.kind === 'msgid') {
        const r = await c.link!.request('history.around', { roomId: room.id, messageId: ref.id, before: 0, after: limit });
        return r.messages.filter((m) => m.order > from.order);
      }
      return after(c, room, from, true, limit);
    }
    case 'AROUND': {
      const at = await orderOf(c, room, ref);
      if (!at) return [];
      const half = Math.floor((limit - 1) / 2);
      if (ref.kind === 'msgid') {
        const r = await c.link!.request('history.around', { roomId: room.id, messageId: ref.id, before: half, after: limit - 1 - half });
        return r.messages;
      }
      const older = await history(at.order, half);
      return [...older, ...(await after(c, room, at, true, limit - older.length))];
    }
    case 'BETWEEN': {
      const a = await orderOf(c, room, ref);
      const b = await orderOf(c, room, ref2);
      if (!a || !b) return [];
      const [lo, hi] = a.order <= b.order ? [a, b] : [b, a];
      const within = (await after(c, room, lo, false, PAGE * SCAN_PAGES)).filter((m) => m.order < hi.order);
      // Counting from the first reference: forwards when it is the older one, else backwards.
      return a.order <= b.order ? within.slice(0, limit) : within.slice(-limit);
    }
    default:
      return [];
  }
}

/** TARGETS <timestamp> <timestamp> <limit>: joined channels and direct chats with messages in the window. */
async function targets(c: IrcConnection, p: string[]): Promise<void> {
  const a = parseRef(p[1]);
  const b = parseRef(p[2]);
  const limit = Number(p[3]);
  if (!a || !b || a.kind !== 'timestamp' || b.kind !== 'timestamp' || !Number.isInteger(limit) || limit < 1) {
    return c.standard('FAIL', 'CHATHISTORY', 'INVALID_PARAMS', 'TARGETS', 'Expected two timestamps and a limit');
  }
  const [lo, hi] = a.at <= b.at ? [a.at, b.at] : [b.at, a.at];
  const w = c.world!;
  const found: Array<{ target: string; at: number }> = [];
  for (const roomId of Object.keys(w.joined).slice(0, 500)) {
    const room = w.rooms[roomId];
    if (!room) continue;
    let last: Message | undefined;
    try {
      last = (await c.link!.request('history', { roomId, limit: 1 })).messages[0];
    } catch {
      continue;
    }
    if (!last || last.createdAt < lo || last.createdAt > hi) continue;
    const target = room.kind === 'dm' ? targetOf(c, room, w.me.id) : c.channelOf(room);
    if (target) found.push({ target, at: last.createdAt });
  }
  found.sort((x, y) => x.at - y.at);
  const ref = c.newBatch();
  c.send({ source: c.o.serverName, command: 'BATCH', params: [`+${ref}`, 'draft/chathistory-targets'] });
  for (const f of found.slice(0, limit)) {
    c.send({ tags: { batch: ref }, source: c.o.serverName, command: 'CHATHISTORY', params: ['TARGETS', f.target, `timestamp=${new Date(f.at).toISOString()}`] });
  }
  c.send({ source: c.o.serverName, command: 'BATCH', params: [`-${ref}`] });
}
