// The baseline's in-memory world: users, rooms with their live audiences, and an event log kept as
// serialised JSON so that replay is string concatenation. Every event is serialised and framed once
// and the same Buffer goes to the whole room (see corked-writer.mjs).
import { frameText } from './corked-writer.mjs';

const REPLAY_PAGE = 1000;
const PROTOCOL = 1;

export function createBaselineWorld(writer) {
  const users = new Map(); // id -> user
  const byName = new Map(); // username -> user
  const tokens = new Map(); // access token -> user
  const rooms = new Map(); // id -> room
  const live = new Set(); // authenticated sockets that are not replaying
  const log = []; // log[order - 1] = { roomId, json }
  let nextId = 1;

  const pub = (u) => ({ id: u.id, nickname: u.nickname, color: null, roles: [...u.roles] });
  const me = (u) => ({ ...pub(u), username: u.username });
  const roomView = (r) => ({
    id: r.id, name: r.name, topic: '', kind: 'text', categoryId: null, position: 0,
    restrictedTo: r.restrictedTo ? [...r.restrictedTo] : null,
  });
  const canSee = (u, r) => r.restrictedTo === null || [...r.restrictedTo].some((id) => u.roles.has(id));
  // Messages reach a room's members who can see it (od's room membership: join/part).
  const receives = (u, r) => r.members.has(u.id) && canSee(u, r);

  function signup(username, nickname) {
    if (byName.has(username)) return null;
    const u = { id: `u${nextId++}`, username, nickname: nickname ?? username, roles: new Set() };
    users.set(u.id, u);
    byName.set(username, u);
    return u;
  }

  function join(ws) {
    live.add(ws);
    for (const r of rooms.values()) if (receives(ws.user, r)) r.audience.add(ws);
  }
  function recomputeAudience(r) {
    r.audience.clear();
    for (const ws of live) if (receives(ws.user, r)) r.audience.add(ws);
  }

  const send = (ws, obj) => writer.sendText(ws, JSON.stringify(obj));
  const ok = (ws, id, result) => writer.sendText(ws, `{"type":"reply","replyTo":${JSON.stringify(id)},"ok":true,"result":${JSON.stringify(result)}}`);
  const err = (ws, id, code, message) => send(ws, { type: 'reply', replyTo: id, ok: false, error: { code, message } });

  function appendEvent(type, room, actorId, data) {
    const order = log.length + 1;
    const event = { order, id: `e${order}`, type, roomId: room.id, actorId, createdAt: Date.now(), data };
    const json = JSON.stringify(event);
    log.push({ roomId: room.id, json });
    const frame = frameText(`{"type":"event","prev":${room.lastOrder},"event":${json}}`);
    room.lastOrder = order;
    for (const ws of room.audience) writer.write(ws, frame);
  }

  /** Replay pages of visible events after `after`, yielding between pages; turn live at head in the same tick. */
  function replay(ws, after) {
    let from = after;
    const step = () => {
      if (ws.readyState !== 1) return;
      const events = [];
      let i = from;
      while (i < log.length && events.length < REPLAY_PAGE) {
        const e = log[i++];
        const r = rooms.get(e.roomId);
        if (r && receives(ws.user, r)) events.push(e.json);
      }
      from = i;
      const more = from < log.length;
      // A page is one large frame for one socket: write it at once (corking buys nothing here).
      ws.send(`{"type":"replay","events":[${events.join(',')}],"through":${from},"more":${more}}`);
      if (!more) {
        ws.replaying = false;
        join(ws);
        return;
      }
      if (ws.bufferedAmount > 1024 * 1024) ws._socket.once('drain', step);
      else setImmediate(step);
    };
    step();
  }

  const handlers = {
    'room.create'(ws, f) {
      const r = { id: `r${nextId++}`, name: String(f.name), restrictedTo: null, members: new Set([ws.user.id]), audience: new Set(), messages: [], lastOrder: 0 };
      rooms.set(r.id, r);
      recomputeAudience(r);
      return { room: roomView(r) };
    },
    'room.join'(ws, f) {
      const r = rooms.get(f.roomId);
      if (!r || !canSee(ws.user, r)) throw ['NOT_FOUND', 'room not found'];
      if (!r.members.has(ws.user.id)) {
        r.members.add(ws.user.id);
        recomputeAudience(r);
      }
      return { room: roomView(r) };
    },
    'role.create'(ws, f) {
      return { role: { id: `g${nextId++}`, name: String(f.name), color: null, position: 1, permissions: [], builtin: false } };
    },
    'room.restrict'(ws, f) {
      const r = rooms.get(f.roomId);
      if (!r) throw ['NOT_FOUND', 'room not found'];
      r.restrictedTo = new Set(f.roleIds);
      recomputeAudience(r);
      return { room: roomView(r) };
    },
    'role.grant'(ws, f) {
      const u = users.get(f.userId);
      if (!u) throw ['NOT_FOUND', 'user not found'];
      u.roles.add(f.roleId);
      for (const r of rooms.values()) if (r.restrictedTo?.has(f.roleId)) recomputeAudience(r);
      return { ok: true };
    },
    'message.send'(ws, f) {
      const r = rooms.get(f.roomId);
      if (!r || !canSee(ws.user, r)) throw ['NOT_FOUND', 'room not found'];
      if (!r.members.has(ws.user.id)) throw ['FORBIDDEN', 'not in this room'];
      if (typeof f.text !== 'string' || f.text.length === 0 || f.text.length > 4000) throw ['BAD_REQUEST', 'bad text'];
      const order = log.length + 1;
      const message = { id: `m${order}`, roomId: r.id, authorId: ws.user.id, text: f.text, createdAt: Date.now(), order, nonce: f.nonce };
      r.messages.push(message);
      appendEvent('message.created', r, ws.user.id, { message });
      return { message };
    },
    state(ws) {
      const visible = [...rooms.values()].filter((r) => canSee(ws.user, r));
      return {
        head: log.length, me: me(ws.user), users: [...users.values()].map(pub), rooms: visible.map(roomView),
        joined: visible.filter((r) => r.members.has(ws.user.id)).map((r) => r.id),
        categories: [], roles: [], readMarkers: {}, unread: {},
      };
    },
    history(ws, f) {
      const r = rooms.get(f.roomId);
      if (!r || !canSee(ws.user, r)) throw ['NOT_FOUND', 'room not found'];
      const limit = Math.min(Number(f.limit) || 50, 200);
      let end = r.messages.length;
      if (f.before !== undefined) {
        let lo = 0;
        while (lo < end) {
          const mid = (lo + end) >> 1;
          if (r.messages[mid].order < f.before) lo = mid + 1;
          else end = mid;
        }
      }
      const start = Math.max(0, end - limit);
      return { messages: r.messages.slice(start, end), end: start === 0 };
    },
  };

  function onFrame(ws, data) {
    let f;
    try {
      f = JSON.parse(data);
    } catch {
      return err(ws, null, 'BAD_REQUEST', 'frame is not valid JSON');
    }
    if (!ws.user) {
      const u = f && f.type === 'auth' ? tokens.get(f.token) : undefined;
      if (!u) return ws.close(4401, 'unauthorized');
      ws.user = u;
      const resume = Number.isInteger(f.resumeAfter) && f.resumeAfter < log.length;
      ws.replaying = resume;
      send(ws, { type: 'ready', protocol: PROTOCOL, serverVersion: 'baseline', user: me(u), head: log.length, snapshotRequired: false, replaying: resume });
      if (resume) replay(ws, f.resumeAfter);
      else join(ws);
      return;
    }
    const h = f && typeof f.id === 'string' ? handlers[f.type] : undefined;
    if (!h) return err(ws, f?.id ?? null, 'BAD_REQUEST', 'unknown request');
    try {
      ok(ws, f.id, h(ws, f));
    } catch (e) {
      if (Array.isArray(e)) err(ws, f.id, e[0], e[1]);
      else err(ws, f.id, 'INTERNAL', 'internal error');
    }
  }

  function onClose(ws) {
    live.delete(ws);
    for (const r of rooms.values()) r.audience.delete(ws);
  }

  return { signup, findUser: (name) => byName.get(name), tokens, me, onFrame, onClose };
}
