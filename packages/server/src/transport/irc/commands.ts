import type { Message, Room } from '@open-discord/protocol';
import { OdRequestError } from './bridge.js';
import { runChathistory } from './chathistory.js';
import type { IrcConnection } from './connection.js';
import type { IrcMessage } from './message.js';
import { fromIrcNick } from './names.js';
import { timestampOf } from './render.js';

/*
 * IRC commands of a registered client → od requests, through the same session (and so the same dispatcher,
 * rules and limits) as any WebSocket client. Replies use the numerics of RFC 2812 and the modern client
 * protocol document; a hidden room answers exactly as a missing one (403).
 */

const errorOf = (e: unknown) => (e instanceof OdRequestError ? e.body : { code: 'INTERNAL', message: 'internal error' });

export async function runCommand(c: IrcConnection, m: IrcMessage, label: string | undefined): Promise<void> {
  const p = m.params;
  switch (m.command) {
    case 'USER':
    case 'PASS':
      return c.numeric('462', 'You may not reregister');
    case 'AUTHENTICATE':
      return c.numeric('907', 'You have already authenticated using SASL');
    case 'NICK':
      return nick(c, p[0]);
    case 'JOIN':
      return join(c, p, label);
    case 'PART':
      return part(c, p);
    case 'PRIVMSG':
    case 'NOTICE':
      return privmsg(c, m, label);
    case 'TAGMSG':
      return tagmsg(c, m);
    case 'TOPIC':
      return topic(c, p);
    case 'NAMES':
      return names(c, p);
    case 'LIST':
      return list(c, p);
    case 'WHO':
      return who(c, p);
    case 'WHOIS':
      return whois(c, p);
    case 'MODE':
      return mode(c, p);
    case 'AWAY':
      return away(c, p);
    case 'MARKREAD':
      return markread(c, p);
    case 'CHATHISTORY':
      return runChathistory(c, p);
    case 'ISON': {
      const on = p.join(' ').split(' ').filter((n) => n && c.userOfNick(n));
      return c.numeric('303', on.join(' '));
    }
    case 'USERHOST': {
      if (!p.length) return c.numeric('461', 'USERHOST', 'Not enough parameters');
      const replies = p.slice(0, 5).flatMap((n) => {
        const u = c.userOfNick(n);
        return u ? [`${c.nickOf(u.id)}=${u.presence && u.presence !== 'online' ? '-' : '+'}${u.id}@${c.o.serverName}`] : [];
      });
      return c.numeric('302', replies.join(' '));
    }
    case 'MOTD':
      if (!c.o.motd.length) return c.numeric('422', 'MOTD File is missing');
      c.numeric('375', `- ${c.o.serverName} Message of the day -`);
      for (const l of c.o.motd) c.numeric('372', `- ${l}`);
      return c.numeric('376', 'End of /MOTD command');
    case 'VERSION':
      return c.numeric('351', 'od', c.o.serverName, 'IRC gateway of an od server');
    default:
      return c.numeric('421', m.command, 'Unknown command');
  }
}

async function nick(c: IrcConnection, wanted: string | undefined): Promise<void> {
  if (!wanted) return c.numeric('431', 'No nickname given');
  const nickname = fromIrcNick(wanted);
  if (nickname === null || /^[#&:]/.test(wanted)) return c.numeric('432', wanted, 'Erroneous nickname');
  if (nickname === c.world!.me.nickname) return;
  try {
    await c.link!.request('nick.set', { nickname });
  } catch (e) {
    const err = errorOf(e);
    if (err.code === 'CONFLICT') return c.numeric('433', wanted, 'Nickname is already in use');
    if (err.code === 'RATE_LIMITED') return c.standard('FAIL', 'NICK', 'RATE_LIMITED', wanted, err.message);
    return c.numeric('432', wanted, `Erroneous nickname: ${err.message}`);
  }
}

async function join(c: IrcConnection, p: string[], label: string | undefined): Promise<void> {
  if (!p[0]) return c.numeric('461', 'JOIN', 'Not enough parameters');
  if (p[0] === '0') {
    for (const roomId of [...c.channels.keys()]) await partRoom(c, roomId, 'Left all channels');
    return;
  }
  for (const chan of p[0].split(',').slice(0, 10)) {
    const room = c.roomOfChannel(chan);
    if (!room) {
      c.numeric('403', chan, 'No such channel');
      continue;
    }
    if (c.channels.has(room.id)) continue;
    let joined: Room;
    try {
      joined = (await c.link!.request('room.join', { roomId: room.id })).room;
    } catch (e) {
      const err = errorOf(e);
      // NOT_FOUND: gone or hidden meanwhile — the same answer as a channel that never existed.
      if (err.code === 'NOT_FOUND') c.numeric('403', chan, 'No such channel');
      else if (err.code === 'FORBIDDEN') c.numeric('473', chan, `Cannot join channel: ${err.message}`);
      else c.standard('FAIL', 'JOIN', err.code, chan, err.message);
      continue;
    }
    await c.joinChannel(joined, label);
  }
}

async function partRoom(c: IrcConnection, roomId: string, reason: string): Promise<boolean> {
  try {
    await c.link!.request('room.part', { roomId });
  } catch (e) {
    const err = errorOf(e);
    if (err.code !== 'NOT_FOUND') {
      c.standard('FAIL', 'PART', err.code, c.channels.get(roomId) ?? '*', err.message);
      return false;
    }
  }
  c.leaveChannel(roomId, reason);
  return true;
}

async function part(c: IrcConnection, p: string[]): Promise<void> {
  if (!p[0]) return c.numeric('461', 'PART', 'Not enough parameters');
  for (const chan of p[0].split(',').slice(0, 10)) {
    const room = c.roomOfChannel(chan);
    if (!room) c.numeric('403', chan, 'No such channel');
    else if (!c.channels.has(room.id)) c.numeric('442', chan, "You're not on that channel");
    else await partRoom(c, room.id, p[1] ?? 'Leaving');
  }
}

/** `\x01ACTION text\x01` → an od action; other CTCP is not carried (od has no equivalent). */
function ctcp(text: string): { action: boolean; text: string } | null {
  if (!text.startsWith('\x01')) return { action: false, text };
  const body = text.slice(1).replace(/\x01$/, '');
  if (body.startsWith('ACTION ')) return { action: true, text: body.slice(7) };
  return null;
}

async function privmsg(c: IrcConnection, m: IrcMessage, label: string | undefined): Promise<void> {
  const notice = m.command === 'NOTICE';
  const [target, raw] = m.params;
  // NOTICE never gets automatic error replies (RFC 2812 3.3.2).
  const fail = notice ? () => {} : (code: string, ...rest: string[]) => c.numeric(code, ...rest);
  if (!target) return fail('411', `No recipient given (${m.command})`);
  if (raw === undefined || raw === '') return fail('412', 'No text to send');
  if (target.includes(',')) return fail('407', target, 'Too many recipients');
  const body = ctcp(raw);
  if (!body || !body.text.trim()) return;
  let roomId: string;
  if (/^[#&]/.test(target)) {
    const room = c.roomOfChannel(target);
    if (!room) return fail('403', target, 'No such channel');
    if (!c.channels.has(room.id)) return fail('404', target, 'Cannot send to channel (join it first)');
    roomId = room.id;
  } else {
    const user = c.userOfNick(target);
    if (!user) return fail('401', target, 'No such nick/channel');
    try {
      roomId = (await c.link!.request('dm.open', { userId: user.id })).room.id;
    } catch (e) {
      const err = errorOf(e);
      return notice ? undefined : c.standard('FAIL', m.command, err.code, target, err.message);
    }
  }
  const reply = m.tags['+draft/reply'] ?? m.tags['+reply'];
  let sent: Message;
  try {
    sent = (
      await c.link!.request('message.send', {
        roomId,
        text: body.text,
        nonce: c.newNonce(label),
        ...(body.action && { action: true }),
        ...(reply && { threadId: reply }),
      })
    ).message;
  } catch (e) {
    const err = errorOf(e);
    if (notice) return;
    if (err.code === 'FORBIDDEN' || err.code === 'NOT_FOUND') return c.numeric('404', target, `Cannot send to channel: ${err.message}`);
    return c.standard('FAIL', m.command, err.code, target, err.message);
  }
  // Whoever speaks has read the room up to there (IRC clients without MARKREAD never say so otherwise).
  void c.link!.request('read.mark', { roomId, order: sent.order }).catch(() => {});
}

async function tagmsg(c: IrcConnection, m: IrcMessage): Promise<void> {
  const react = m.tags['+draft/react'];
  const unreact = m.tags['+draft/unreact'];
  const messageId = m.tags['+draft/reply'];
  if (!m.params[0]) return c.numeric('411', 'No recipient given (TAGMSG)');
  if ((!react && !unreact) || !messageId) return; // typing and other client tags have no od equivalent here
  try {
    if (react) await c.link!.request('reaction.add', { messageId, emoji: react });
    else await c.link!.request('reaction.remove', { messageId, emoji: unreact! });
  } catch (e) {
    const err = errorOf(e);
    c.standard('FAIL', 'TAGMSG', err.code, m.params[0], err.message);
  }
}

async function topic(c: IrcConnection, p: string[]): Promise<void> {
  if (!p[0]) return c.numeric('461', 'TOPIC', 'Not enough parameters');
  const room = c.roomOfChannel(p[0]);
  if (!room) return c.numeric('403', p[0], 'No such channel');
  if (p.length < 2) {
    const current = c.world!.rooms[room.id]!;
    return current.topic ? c.numeric('332', p[0], current.topic) : c.numeric('331', p[0], 'No topic is set');
  }
  if (!c.channels.has(room.id)) return c.numeric('442', p[0], "You're not on that channel");
  try {
    await c.link!.request('room.update', { roomId: room.id, topic: p[1]! });
  } catch (e) {
    const err = errorOf(e);
    if (err.code === 'FORBIDDEN') return c.numeric('482', p[0], "You're not channel operator");
    return c.standard('FAIL', 'TOPIC', err.code, p[0], err.message);
  }
}

async function names(c: IrcConnection, p: string[]): Promise<void> {
  if (!p[0]) return c.numeric('366', '*', 'End of /NAMES list');
  const chan = p[0].split(',')[0]!;
  const room = c.roomOfChannel(chan);
  if (!room) return c.numeric('366', chan, 'End of /NAMES list');
  await c.names(room);
}

/** Visible channels with their member counts; the topic is prefixed with the room's category. */
async function list(c: IrcConnection, p: string[]): Promise<void> {
  const w = c.world!;
  const only = p[0] && /^[#&]/.test(p[0]) ? new Set(p[0].split(',').map((x) => c.roomOfChannel(x)?.id)) : null;
  c.numeric('321', 'Channel', 'Users  Name');
  const rooms = Object.values(w.rooms).filter((r) => c.channelOf(r) && (!only || only.has(r.id)));
  rooms.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  for (const r of rooms.slice(0, 500)) {
    let count = 0;
    try {
      count = (await c.link!.request('room.members', { roomId: r.id })).userIds.length;
    } catch {
      continue; // gone from sight meanwhile
    }
    const cat = r.categoryId ? w.categories[r.categoryId]?.name : undefined;
    c.numeric('322', c.channelOf(r)!, String(count), `${cat ? `[${cat}] ` : ''}${r.topic}`);
  }
  c.numeric('323', 'End of /LIST');
}

function whoLine(c: IrcConnection, chan: string, userId: string): void {
  const u = c.world!.users[userId];
  const away = u?.presence !== undefined && u.presence !== 'online' ? 'G' : 'H';
  c.numeric('352', chan, userId, c.o.serverName, c.o.serverName, c.nickOf(userId), `${away}${c.prefixOf(userId).slice(0, 1)}`, `0 ${u?.nickname ?? userId}`);
}

async function who(c: IrcConnection, p: string[]): Promise<void> {
  const mask = p[0] ?? '*';
  if (/^[#&]/.test(mask)) {
    const room = c.roomOfChannel(mask);
    if (room) {
      try {
        const ids = (await c.link!.request('room.members', { roomId: room.id })).userIds;
        for (const id of ids) whoLine(c, mask, id);
      } catch {
        // out of sight meanwhile: an empty list
      }
    }
  } else {
    const u = c.userOfNick(mask);
    if (u) whoLine(c, '*', u.id);
  }
  c.numeric('315', mask, 'End of /WHO list');
}

function whois(c: IrcConnection, p: string[]): void {
  const target = p[p.length - 1];
  if (!target) return c.numeric('431', 'No nickname given');
  const u = c.userOfNick(target);
  if (!u) {
    c.numeric('401', target, 'No such nick/channel');
    return c.numeric('318', target, 'End of /WHOIS list');
  }
  const nick = c.nickOf(u.id);
  c.numeric('311', nick, u.id, c.o.serverName, '*', u.nickname);
  if (u.statusText) c.numeric('320', nick, u.statusText);
  if (u.presence && u.presence !== 'online') c.numeric('301', nick, u.presence === 'offline' ? 'Offline' : 'Away');
  c.numeric('330', nick, u.id, 'is logged in as');
  c.numeric('318', nick, 'End of /WHOIS list');
}

function mode(c: IrcConnection, p: string[]): void {
  const target = p[0];
  if (!target) return c.numeric('461', 'MODE', 'Not enough parameters');
  if (/^[#&]/.test(target)) {
    const room = c.roomOfChannel(target);
    if (!room) return c.numeric('403', target, 'No such channel');
    if (p.length < 2) return c.numeric('324', target, '+nt');
    // List queries (bans, exceptions, invites) are empty: od moderates members server-wide, not per channel.
    if (/^[+]?[beI]$/.test(p[1]!)) return c.numeric(p[1]!.endsWith('b') ? '368' : p[1]!.endsWith('e') ? '349' : '347', target, 'End of list');
    return c.numeric('482', target, 'Channel modes are managed in od');
  }
  if (c.userOfNick(target)?.id !== c.world!.me.id) return c.numeric('502', "Can't change mode for other users");
  return c.numeric('221', '+i');
}

async function away(c: IrcConnection, p: string[]): Promise<void> {
  const going = p[0] !== undefined && p[0] !== '';
  try {
    await c.link!.request('presence.set', { mode: going ? 'away' : 'auto' });
  } catch (e) {
    const err = errorOf(e);
    return c.standard('FAIL', 'AWAY', err.code, err.message);
  }
  if (going) c.numeric('306', 'You have been marked as being away');
  else c.numeric('305', 'You are no longer marked as being away');
}

/** draft/read-marker: MARKREAD <target> [timestamp=…]; od keeps read markers as orders. */
async function markread(c: IrcConnection, p: string[]): Promise<void> {
  const target = p[0];
  if (!target) return c.standard('FAIL', 'MARKREAD', 'NEED_MORE_PARAMS', 'Missing target');
  const room = c.roomOfChannel(target);
  if (!room || !c.channels.has(room.id)) return c.standard('FAIL', 'MARKREAD', 'INVALID_PARAMS', target, 'No such channel');
  const w = c.world!;
  const reply = () => {
    const ts = timestampOf(c.world!, room.id, c.world!.readMarkers[room.id] ?? 0);
    c.send({ source: c.o.serverName, command: 'MARKREAD', params: [target, ts === null ? '*' : `timestamp=${new Date(ts).toISOString()}`] });
  };
  if (p.length < 2) return reply();
  const m = /^timestamp=(.+)$/.exec(p[1]!);
  const at = m ? Date.parse(m[1]!) : Number.NaN;
  if (!Number.isFinite(at)) return c.standard('FAIL', 'MARKREAD', 'INVALID_PARAMS', target, 'Expected timestamp=YYYY-MM-DDThh:mm:ss.sssZ');
  let list = w.messages[room.id] ?? [];
  if (!list.length || list[0]!.createdAt > at) {
    try {
      list = (await c.link!.request('history', { roomId: room.id, limit: 100 })).messages;
    } catch {
      list = [];
    }
  }
  const upTo = [...list].reverse().find((x) => x.createdAt <= at);
  if (upTo && upTo.order > (w.readMarkers[room.id] ?? 0)) {
    try {
      await c.link!.request('read.mark', { roomId: room.id, order: upTo.order });
    } catch (e) {
      const err = errorOf(e);
      return c.standard('FAIL', 'MARKREAD', err.code, target, err.message);
    }
  }
  // The read.marked event that follows tells every connection; this one answers now.
  if (!c.has('draft/read-marker')) return;
  const ts = upTo?.createdAt ?? null;
  c.send({ source: c.o.serverName, command: 'MARKREAD', params: [target, ts === null ? '*' : `timestamp=${new Date(ts).toISOString()}`] });
}
