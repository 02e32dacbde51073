import { applyPresence, applyPresenceAll, type ClientEvent, type Message, type Room, type ServerFrame, type World, worldFromState } from '@open-discord/protocol';
import type { IrcConnection, Out } from './connection.js';
import { splitUtf8 } from './message.js';
import { toIrcNick } from './names.js';

/*
 * od events → IRC lines. Each mapping is listed in docs/irc.md: messages are PRIVMSG (actions as CTCP
 * ACTION, thread replies with +draft/reply and a short context prefix), edits and deletions a correction
 * NOTICE, reactions a +draft/react TAGMSG (an action line for clients without message-tags), membership
 * JOIN/PART, topics TOPIC, nickname changes NICK, removals QUIT, presence AWAY (away-notify), read markers
 * MARKREAD (draft/read-marker).
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** `first words…` of a message, for context lines. */
export function snippet(text: string, words = 5): string {
  const all = text.replace(/\s+/g, ' ').trim().split(' ');
  const head = all.slice(0, words).join(' ');
  const cut = head.length > 40 ? `${head.slice(0, 40)}…` : all.length > words ? `${head}…` : head;
  return cut;
}

/** Where a message goes for this client: the channel, or for a direct chat the other side's nick (or ours). */
export function targetOf(c: IrcConnection, room: Room, authorId: string): string | null {
  if (room.kind !== 'dm') return c.channels.get(room.id) ?? null;
  const w = c.world!;
  if (authorId !== w.me.id) return c.nick;
  const other = (room.members ?? []).find((id) => id !== w.me.id) ?? w.me.id;
  return c.nickOf(other);
}

/** The message a reply belongs to, if this client has it loaded. */
function rootOf(w: World, m: Message): Message | undefined {
  return m.threadId ? w.messages[m.roomId]?.find((x) => x.id === m.threadId) : undefined;
}

/** The lines of one message (several when it has newlines or is long; the first carries the msgid). */
export function messageLines(c: IrcConnection, m: Message, target: string, batch?: string, command: 'PRIVMSG' | 'NOTICE' = 'PRIVMSG'): Out[] {
  const w = c.world!;
  const source = c.userSource(m.authorId);
  let text = m.text;
  for (const a of m.attachments ?? []) text += `${text ? ' ' : ''}[file: ${a.name}]`;
  if (m.threadId) {
    const root = rootOf(w, m);
    text = root ? `↳ re ${c.nickOf(root.authorId)}: "${snippet(root.text)}" ${text}` : `↳ re thread: ${text}`;
  }
  // 512 bytes in all: what the prefix, command, target, CR LF and the CTCP wrapping take is left out.
  const room = 510 - Buffer.byteLength(`:${source} ${command} ${target} :`) - (m.action ? 9 : 0);
  const pieces = text.split('\n').flatMap((l) => splitUtf8(l === '' ? ' ' : l, Math.max(50, room)));
  return pieces.map((p, i) => ({
    tags: {
      time: iso(m.createdAt),
      account: m.authorId,
      ...(i === 0 && { msgid: m.id }),
      ...(m.threadId && { '+draft/reply': m.threadId }),
      ...(batch && { batch }),
    },
    source,
    command,
    params: [target, m.action ? `\x01ACTION ${p}\x01` : p],
  }));
}

/** Several lines for one labelled command: one labelled line, or a labeled-response batch. */
function sendAll(c: IrcConnection, lines: Out[], label: string | undefined): void {
  if (label === undefined || !c.has('labeled-response') || lines.length === 0) {
    for (const l of lines) c.send(l);
    return;
  }
  if (lines.length === 1) return c.send({ ...lines[0]!, tags: { ...lines[0]!.tags, label } });
  const ref = c.newBatch();
  c.send({ tags: { label }, source: c.o.serverName, command: 'BATCH', params: [`+${ref}`, 'labeled-response'] });
  for (const l of lines) c.send({ ...l, tags: { ...l.tags, batch: ref } });
  c.send({ source: c.o.serverName, command: 'BATCH', params: [`-${ref}`] });
}

const sharesChannel = (c: IrcConnection, userId: string) => [...c.members.values()].some((s) => s.has(userId));

export async function renderEvent(c: IrcConnection, before: World, e: ClientEvent): Promise<void> {
  const w = c.world!;
  const me = w.me.id;
  switch (e.type) {
    case 'message.created': {
      const m = e.data.message;
      const room = w.rooms[m.roomId];
      if (!room) return;
      const target = targetOf(c, room, m.authorId);
      if (!target) return;
      let label: string | undefined;
      if (m.authorId === me && m.nonce !== undefined && c.sentNonces.has(m.nonce)) {
        label = c.sentNonces.get(m.nonce);
        c.sentNonces.delete(m.nonce);
        // Sent from this connection: shown again only to clients that asked for echo-message.
        if (!c.has('echo-message')) return;
      }
      return sendAll(c, messageLines(c, m, target), label);
    }
    case 'message.edited': {
      const m = e.data.message;
      const room = w.rooms[m.roomId];
      const target = room && targetOf(c, room, m.authorId);
      if (!target) return;
      const lines = messageLines(c, { ...m, text: `[edit] ${m.text}`, action: false }, target, undefined, 'NOTICE');
      for (const l of lines) c.send({ ...l, tags: { ...l.tags, msgid: undefined, '+draft/edit': m.id } });
      return;
    }
    case 'message.deleted': {
      const room = w.rooms[e.data.roomId];
      const old = before.messages[e.data.roomId]?.find((x) => x.id === e.data.messageId);
      const actor = e.actorId ?? me;
      const target = room && targetOf(c, room, actor);
      if (!target) return;
      const whose = old ? ` from ${c.nickOf(old.authorId)}` : '';
      c.send({ tags: { time: iso(e.createdAt), '+draft/delete': e.data.messageId }, source: c.userSource(actor), command: 'NOTICE', params: [target, `[deleted a message${whose}]`] });
      return;
    }
    case 'reaction.added':
    case 'reaction.removed': {
      const { roomId, messageId, emoji, userId } = e.data;
      const room = w.rooms[roomId];
      const target = room && targetOf(c, room, userId);
      if (!target || (userId === me && !c.has('echo-message'))) return;
      const added = e.type === 'reaction.added';
      if (c.has('message-tags')) {
        c.send({
          tags: { time: iso(e.createdAt), account: userId, [added ? '+draft/react' : '+draft/unreact']: emoji, '+draft/reply': messageId },
          source: c.userSource(userId),
          command: 'TAGMSG',
          params: [target],
        });
        return;
      }
      const m = before.messages[roomId]?.find((x) => x.id === messageId);
      const about = m ? ` ${c.nickOf(m.authorId)}: "${snippet(m.text)}"` : ' a message';
      const text = `${added ? 'reacted' : 'took back'} ${emoji} ${added ? 'to' : 'on'}${about}`;
      c.send({ tags: { time: iso(e.createdAt) }, source: c.userSource(userId), command: 'PRIVMSG', params: [target, `\x01ACTION ${text}\x01`] });
      return;
    }
    case 'room.joined':
    case 'room.left': {
      const { roomId, userId } = e.data;
      if (userId === me) return syncChannels(c, before, e.type === 'room.left' ? 'Left in od' : 'Gone');
      const chan = c.channels.get(roomId);
      if (!chan) return;
      const set = c.members.get(roomId);
      if (e.type === 'room.joined') {
        if (set?.has(userId)) return;
        set?.add(userId);
        c.send({ tags: { time: iso(e.createdAt), account: userId }, source: c.userSource(userId), command: 'JOIN', params: [chan] });
      } else {
        if (set && !set.delete(userId)) return;
        c.send({ tags: { time: iso(e.createdAt) }, source: c.userSource(userId), command: 'PART', params: [chan, 'Left'] });
      }
      return;
    }
    case 'room.updated': {
      const room = e.data.room;
      const old = before.rooms[room.id];
      const chan = c.channels.get(room.id);
      if (chan && old && old.name !== room.name) {
        // A renamed room is a different channel to IRC: leave the old name, join the new one.
        c.leaveChannel(room.id, `Renamed to ${c.channelOf(room)}`);
        await c.joinChannel(room, undefined);
        return;
      }
      if (chan && old && old.topic !== room.topic) {
        c.send({ tags: { time: iso(e.createdAt) }, source: e.actorId ? c.userSource(e.actorId) : c.o.serverName, command: 'TOPIC', params: [chan, room.topic] });
      }
      return syncChannels(c, before, 'You can no longer see this room');
    }
    case 'room.created':
      return syncChannels(c, before, 'Gone');
    case 'room.deleted':
      return syncChannels(c, before, 'Room deleted');
    case 'access.changed':
      if (e.data.userId !== me) return;
      return reload(c);
    case 'user.updated': {
      const u = e.data.user;
      const old = before.users[u.id];
      if (!old || old.nickname === u.nickname) return;
      const oldNick = toIrcNick(old.nickname);
      const newNick = toIrcNick(u.nickname);
      if (u.id === me) {
        c.send({ source: `${oldNick}!${u.id}@${c.o.serverName}`, command: 'NICK', params: [newNick] });
        c.nick = newNick;
      } else if (sharesChannel(c, u.id)) {
        c.send({ tags: { time: iso(e.createdAt) }, source: `${oldNick}!${u.id}@${c.o.serverName}`, command: 'NICK', params: [newNick] });
      }
      return;
    }
    case 'user.removed': {
      const userId = e.data.userId;
      if (!sharesChannel(c, userId)) return;
      for (const s of c.members.values()) s.delete(userId);
      c.send({ tags: { time: iso(e.createdAt) }, source: `${toIrcNick(before.users[userId]?.nickname ?? userId)}!${userId}@${c.o.serverName}`, command: 'QUIT', params: ['Removed from the server'] });
      return;
    }
    case 'read.marked': {
      if (!c.has('draft/read-marker')) return;
      const room = w.rooms[e.data.roomId];
      const target = room && (room.kind === 'dm' ? null : c.channels.get(room.id));
      if (!target) return;
      const ts = timestampOf(w, e.data.roomId, e.data.order);
      if (ts !== null) c.send({ source: c.o.serverName, command: 'MARKREAD', params: [target, `timestamp=${iso(ts)}`] });
      return;
    }
    default:
      return;
  }
}

/** The time of the newest loaded message at or before `order` in a room (read markers are orders in od). */
export function timestampOf(w: World, roomId: string, order: number): number | null {
  const list = w.messages[roomId] ?? [];
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.order <= order) return list[i]!.createdAt;
  return null;
}

/** Presence frames: the world's presence, and AWAY lines for clients with away-notify. */
export function renderNotice(c: IrcConnection, f: ServerFrame): void {
  if (f.type === 'presence.all') {
    c.world = applyPresenceAll(c.world!, f.frame.users);
    return;
  }
  if (f.type !== 'presence') return;
  const { userId, online } = f.frame;
  const status = f.frame.status ?? (online ? 'online' : 'offline');
  const before = c.world!.users[userId]?.presence;
  c.world = applyPresence(c.world!, userId, online, status);
  if (!c.has('away-notify') || userId === c.world!.me.id || !sharesChannel(c, userId)) return;
  const wasAway = before !== undefined && before !== 'online';
  const away = status !== 'online';
  if (away === wasAway) return;
  c.send({ source: c.userSource(userId), command: 'AWAY', params: away ? [status === 'offline' ? 'Offline' : 'Away'] : [] });
}

/** My access changed: load what I see now and part or join what changed. */
async function reload(c: IrcConnection): Promise<void> {
  const before = c.world!;
  let state;
  try {
    state = await c.link!.request('state', {});
  } catch {
    return;
  }
  c.world = worldFromState(state, before);
  await syncChannels(c, before, 'You can no longer see this room');
}

/**
 * Part the channels whose rooms went out of sight or that this user left, and join those newly joined (a
 * join or group chat made in od, a room that became visible to a member): what changed from `before`.
 */
export async function syncChannels(c: IrcConnection, before: World, reason: string): Promise<void> {
  const w = c.world!;
  for (const roomId of [...c.channels.keys()]) {
    if (before.rooms[roomId] && !w.rooms[roomId]) c.leaveChannel(roomId, reason);
    else if (before.joined[roomId] && !w.joined[roomId]) c.leaveChannel(roomId, reason === 'Gone' ? 'Left in od' : reason);
  }
  for (const roomId of Object.keys(w.joined)) {
    const room = w.rooms[roomId];
    if (room && !before.joined[roomId] && !c.channels.has(roomId) && c.channelOf(room)) await c.joinChannel(room, undefined);
  }
}
