import fs from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { StoredEvent } from '../src/ports/storage.js';
import { RawClient, signup, testServer } from './helpers.js';

/*
 * Property: random communities (users, roles, grants, restricted rooms, messages, deletions, read markers,
 * role deletions and reconnects over time) against a REAL server. For every user:
 *  - every event they receive (live or replayed) is one they may see at the moment it is sent to them,
 *    and every such event reaches them exactly once;
 *  - their live `prev` chain, replay pages and a final sync tile the log (start, head] with no gap or overlap;
 *  - `sync` from 0, `history`, `state` (rooms, unread counts) and error messages show nothing of rooms
 *    hidden from them, and a hidden room answers exactly like one that does not exist.
 */

type Frame = Record<string, any>;
const USERS = 4; // user 0 is the owner
const ROLES = 3;

type Cmd =
  | { k: 'room' }
  | { k: 'restrictedRoom'; roles: number[] }
  | { k: 'restrict'; room: number; roles: number[] }
  | { k: 'open'; room: number }
  | { k: 'grant' | 'revoke'; user: number; role: number }
  | { k: 'roleDelete'; role: number }
  | { k: 'send'; user: number; room: number }
  | { k: 'delete'; msg: number }
  | { k: 'read'; user: number; room: number }
  | { k: 'reconnect'; user: number };

const nat = (n: number) => fc.nat({ max: n - 1 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.constant({ k: 'room' as const }),
  fc.record({ k: fc.constant('restrictedRoom' as const), roles: fc.uniqueArray(nat(ROLES), { minLength: 1, maxLength: ROLES }) }),
  fc.record({ k: fc.constant('restrict' as const), room: nat(8), roles: fc.uniqueArray(nat(ROLES), { minLength: 1, maxLength: ROLES }) }),
  fc.record({ k: fc.constant('open' as const), room: nat(8) }),
  fc.record({ k: fc.constantFrom('grant' as const, 'revoke' as const), user: nat(USERS), role: nat(ROLES) }),
  fc.record({ k: fc.constant('roleDelete' as const), role: nat(ROLES) }),
  fc.record({ k: fc.constant('send' as const), user: nat(USERS), room: nat(8) }),
  fc.record({ k: fc.constant('send' as const), user: nat(USERS), room: nat(8) }),
  fc.record({ k: fc.constant('delete' as const), msg: nat(32) }),
  fc.record({ k: fc.constant('read' as const), user: nat(USERS), room: nat(8) }),
  fc.record({ k: fc.constant('reconnect' as const), user: nat(USERS) }),
);

/** Who may see what, as the test believes it: rooms' restrictions and users' roles. */
interface Model {
  rooms: Array<{ id: string; name: string; restrictedTo: string[] | null }>;
  grants: Array<Set<string>>;
}
const copy = (m: Model): Model => ({
  rooms: m.rooms.map((r) => ({ ...r, restrictedTo: r.restrictedTo && [...r.restrictedTo] })),
  grants: m.grants.map((g) => new Set(g)),
});
function roomVisible(m: Model, u: number, roomId: string): boolean {
  const room = m.rooms.find((r) => r.id === roomId)!;
  return u === 0 || room.restrictedTo === null || room.restrictedTo.some((r) => m.grants[u]!.has(r));
}
function eventVisible(m: Model, u: number, uid: string, e: StoredEvent): boolean {
  if (e.targetUserId !== null) return e.targetUserId === uid;
  return e.roomId === null || roomVisible(m, u, e.roomId);
}

interface Conn {
  client: RawClient;
  resumeAfter: number | null;
  /** Model when it connected (replay is judged then). */
  atConnect: Model;
  /** Head when it was closed (or at the end). */
  endHead: number;
}

async function run(cmds: Cmd[]): Promise<void> {
  const server = await testServer();
  const { storage: store, services } = server.app;
  const conns: Conn[][] = [];
  try {
    const users = [];
    for (let i = 0; i < USERS; i++) users.push(await signup(server.url, `user${i}`));
    const uid = users.map((u) => u.user.id);
    await services.roles.grant(null, { userId: uid[0]!, roleId: 'owner' });
    const roleIds: Array<string | null> = [];
    for (let i = 0; i < ROLES; i++) roleIds.push((await services.roles.create(uid[0]!, { name: `role${i}` })).role.id);
    const lobby = (await services.rooms.create(uid[0]!, { name: 'room0' })).room;
    const model: Model = { rooms: [{ id: lobby.id, name: lobby.name, restrictedTo: null }], grants: uid.map(() => new Set()) };
    /** Per event order: the model right after the step that wrote it (live delivery is judged by it). */
    const snapshots: Array<{ upTo: number; model: Model }> = [{ upTo: server.head(), model: copy(model) }];
    const messages: Array<{ id: string; order: number; roomId: string; author: number; deleted: boolean; text: string }> = [];
    const markers = uid.map(() => new Map<string, number>());

    for (let u = 0; u < USERS; u++) {
      conns.push([{ client: await RawClient.connect(server.url, users[u]!.accessToken), resumeAfter: null, atConnect: copy(model), endHead: 0 }]);
    }
    const current = (u: number) => conns[u]!.at(-1)!.client;
    const owner = () => current(0);
    /** All events published so far have reached this connection once its reply to a later request is in. */
    const barrier = (u: number) => current(u).call('state');

    let step = 0;
    for (const c of cmds) {
      step++;
      const room = 'room' in c ? model.rooms[c.room % model.rooms.length]! : null;
      const role = 'role' in c ? roleIds[c.role]! : null;
      switch (c.k) {
        case 'room':
          if (model.rooms.length < 6) {
            const r = (await owner().call('room.create', { name: `room${model.rooms.length}` })).room;
            model.rooms.push({ id: r.id, name: r.name, restrictedTo: null });
          }
          break;
        case 'restrictedRoom': {
          // A restricted room created while members are online: born restricted, so its room.created reaches
          // only those who may see it (the live-delivery check below judges every event by the model).
          const ids = c.roles.map((i) => roleIds[i]).filter((x): x is string => x !== null);
          if (ids.length === 0 || model.rooms.length >= 6) break;
          const r = (await owner().call('room.create', { name: `room${model.rooms.length}`, restrictedTo: ids })).room;
          model.rooms.push({ id: r.id, name: r.name, restrictedTo: [...new Set(ids)].sort() });
          break;
        }
        case 'restrict': {
          const ids = c.roles.map((i) => roleIds[i]).filter((x): x is string => x !== null);
          if (ids.length === 0) break;
          await owner().call('room.restrict', { roomId: room!.id, roleIds: ids });
          room!.restrictedTo = [...new Set(ids)].sort();
          break;
        }
        case 'open':
          await owner().call('room.open', { roomId: room!.id });
          room!.restrictedTo = null;
          break;
        case 'grant':
        case 'revoke':
          if (role === null || c.user === 0) break;
          await owner().call(c.k === 'grant' ? 'role.grant' : 'role.revoke', { userId: uid[c.user], roleId: role });
          if (c.k === 'grant') model.grants[c.user]!.add(role);
          else model.grants[c.user]!.delete(role);
          break;
        case 'roleDelete':
          if (role === null) break;
          await owner().call('role.delete', { roleId: role });
          roleIds[c.role] = null;
          for (const g of model.grants) g.delete(role);
          for (const r of model.rooms) if (r.restrictedTo) r.restrictedTo = r.restrictedTo.filter((x) => x !== role);
          break;
        case 'send': {
          const text = `msg-${step}-${room!.name}-x`;
          const res = await current(c.user).request('message.send', { roomId: room!.id, text, nonce: `n${step}` });
          if (roomVisible(model, c.user, room!.id)) {
            expect(res.ok).toBe(true);
            const m = res.result.message;
            messages.push({ id: m.id, order: m.order, roomId: room!.id, author: c.user, deleted: false, text });
          } else {
            // A hidden room is answered exactly like a room that does not exist.
            const missing = await current(c.user).request('message.send', { roomId: 'no-such-room', text, nonce: `m${step}` });
            expect(res.error).toEqual(missing.error);
            expect(res.error.code).toBe('NOT_FOUND');
          }
          break;
        }
        case 'delete': {
          const live = messages.filter((m) => !m.deleted);
          if (live.length === 0) break;
          const m = live[c.msg % live.length]!;
          await owner().call('message.delete', { messageId: m.id });
          m.deleted = true;
          break;
        }
        case 'read': {
          const order = server.head();
          const res = await current(c.user).request('read.mark', { roomId: room!.id, order });
          expect(res.ok).toBe(roomVisible(model, c.user, room!.id));
          if (res.ok) markers[c.user]!.set(room!.id, Math.max(markers[c.user]!.get(room!.id) ?? 0, order));
          break;
        }
        case 'reconnect': {
          await barrier(c.user);
          const old = conns[c.user]!.at(-1)!;
          const accounted = accountedEnd(old.client);
          old.endHead = server.head();
          await old.client.close();
          conns[c.user]!.push({
            client: await RawClient.connect(server.url, users[c.user]!.accessToken, accounted),
            resumeAfter: accounted,
            atConnect: copy(model),
            endHead: 0,
          });
          break;
        }
      }
      snapshots.push({ upTo: server.head(), model: copy(model) });
    }

    const head = server.head();
    const all = store.events.range(0, head);
    const modelAt = (order: number) => snapshots.find((s) => s.upTo >= order)!.model;

    for (let u = 0; u < USERS; u++) {
      await barrier(u);
      conns[u]!.at(-1)!.endHead = head;
      const delivered = new Set<number>();
      let accounted = conns[u]![0]!.client.ready.head as number;
      for (const conn of conns[u]!) {
        const { client } = conn;
        if (conn.resumeAfter !== null) expect(conn.resumeAfter).toBe(accounted);
        // Replay: judged by what the user may see when reconnecting.
        for (const page of client.frames.filter((f) => f.type === 'replay')) {
          const expected = all.filter((e) => e.order > accounted && e.order <= page.through && eventVisible(conn.atConnect, u, uid[u]!, e));
          expect(page.events.map((e: Frame) => e.order)).toEqual(expected.map((e) => e.order));
          accounted = page.through;
        }
        if (conn.resumeAfter === null) accounted = client.ready.head;
        // Live: each event judged by the model right after the step that wrote it; prev chains.
        const liveFrames = client.events;
        const expectedLive = all.filter((e) => e.order > accounted && e.order <= conn.endHead && eventVisible(modelAt(e.order), u, uid[u]!, e));
        expect(liveFrames.map((f) => f.event.order)).toEqual(expectedLive.map((e) => e.order));
        for (const f of liveFrames) {
          expect(f.prev).toBe(accounted);
          accounted = f.event.order;
        }
        for (const f of [...client.replayed, ...liveFrames.map((x) => x.event)]) {
          const order = f.order ?? f.event?.order;
          expect(delivered.has(order), `order ${order} delivered twice to user ${u}`).toBe(false);
          delivered.add(order);
        }
      }
      // A final sync from where the stream ended covers the rest: (start, head] is tiled exactly once.
      const tail = await current(u).call('sync', { after: accounted });
      expect(tail.through).toBe(head);
      const fin = modelAt(head);
      expect(tail.events.map((e: Frame) => e.order)).toEqual(
        all.filter((e) => e.order > accounted && eventVisible(fin, u, uid[u]!, e)).map((e) => e.order),
      );

      // A fresh sync from 0 sees exactly the events visible now.
      const fromZero: number[] = [];
      let after = 0;
      for (;;) {
        const page = await current(u).call('sync', { after });
        fromZero.push(...page.events.map((e: Frame) => e.order));
        after = page.through;
        if (!page.more) break;
      }
      expect(after).toBe(head);
      expect(fromZero).toEqual(all.filter((e) => eventVisible(fin, u, uid[u]!, e)).map((e) => e.order));

      // state, history, unread counts and errors: nothing of hidden rooms.
      const state = await current(u).call('state');
      const visible = fin.rooms.filter((r) => roomVisible(fin, u, r.id));
      const hidden = fin.rooms.filter((r) => !roomVisible(fin, u, r.id));
      expect(state.rooms.map((r: Frame) => r.id).sort()).toEqual(visible.map((r) => r.id).sort());
      expect(Object.keys(state.unread).sort()).toEqual(visible.map((r) => r.id).sort());
      for (const r of visible) {
        const marker = markers[u]!.get(r.id) ?? 0;
        const count = messages.filter((m) => m.roomId === r.id && !m.deleted && m.author !== u && m.order > marker).length;
        expect(state.unread[r.id]).toEqual({ count, mentions: 0 });
      }
      const replies: string[] = [JSON.stringify(state)];
      const missing = await current(u).request('history', { roomId: 'no-such-room' });
      for (const r of fin.rooms) {
        const h = await current(u).request('history', { roomId: r.id, limit: 200 });
        replies.push(JSON.stringify(h));
        if (roomVisible(fin, u, r.id)) {
          expect(h.result.messages.map((m: Frame) => m.id)).toEqual(messages.filter((m) => m.roomId === r.id && !m.deleted).map((m) => m.id));
        } else {
          expect(h.error).toEqual(missing.error);
        }
      }
      const leaked = replies.join('\n');
      for (const r of hidden) {
        expect(leaked.includes(r.id), `room id of hidden ${r.name} leaked to user ${u}`).toBe(false);
        expect(leaked.includes(`-${r.name}-x`), `text from hidden ${r.name} leaked to user ${u}`).toBe(false);
      }
      // Deleted texts are gone from every path, even for those who saw them live before the deletion.
      const deletedTexts = messages.filter((m) => m.deleted).map((m) => m.text);
      for (const t of deletedTexts) expect(leaked.includes(t)).toBe(false);
    }
  } finally {
    for (const list of conns) for (const c of list) await c.client.close();
    await server.close();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

/** Where a connection's stream has accounted up to: its last live frame, else its last replay page, else ready. */
function accountedEnd(c: RawClient): number {
  const live = c.events.at(-1);
  if (live) return live.event.order;
  const replay = c.frames.filter((f) => f.type === 'replay').at(-1);
  return replay ? replay.through : c.ready.head;
}

describe('visibility and gap-free accounting (property)', () => {
  test.prop([fc.array(cmd, { minLength: 5, maxLength: 30 })], { numRuns: 15, endOnFailure: true })(
    'no user ever learns anything of a room they cannot see, and every order is accounted exactly once',
    async (cmds) => {
      await run(cmds);
    },
    120_000,
  );

  const restrictedFirst = fc
    .tuple(fc.uniqueArray(nat(ROLES), { minLength: 1, maxLength: ROLES }), fc.array(cmd, { minLength: 3, maxLength: 20 }))
    .map(([roles, rest]): Cmd[] => [{ k: 'grant', user: 1, role: roles[0]! }, { k: 'restrictedRoom', roles }, ...rest]);
  test.prop([restrictedFirst], { numRuns: 8, endOnFailure: true })(
    'a restricted room created while members are online reaches only those who may see it',
    async (cmds) => {
      await run(cmds);
    },
    120_000,
  );
});

/*
 * Property: positions after hidden moves. A manager who cannot see some rooms moves the rooms they see; the
 * owner moves rooms hidden from them (often into the same gap, so categories get respaced). After every
 * step, a member who sees what the manager sees finds their rooms in the manager's order, and every room
 * that did not move itself kept its position or moved by exactly one gap: a position never counts the
 * hidden rooms, and hidden moves never reorder what a member sees.
 */
type PosCmd = { k: 'vmove' | 'hmove'; room: number; pos: number };
const posCmd: fc.Arbitrary<PosCmd> = fc.record({
  k: fc.constantFrom('vmove' as const, 'hmove' as const),
  room: nat(4),
  pos: fc.constantFrom(0, 1, 1, 1, 2, 3, 5, 8),
});

async function runPositions(cmds: PosCmd[]): Promise<void> {
  const server = await testServer();
  const { services } = server.app;
  const clients: RawClient[] = [];
  try {
    const [o, m, u] = [await signup(server.url, 'owner'), await signup(server.url, 'mgr'), await signup(server.url, 'member')];
    await services.roles.grant(null, { userId: o.user.id, roleId: 'owner' });
    const managers = (await services.roles.create(o.user.id, { name: 'managers' })).role;
    await services.roles.update(o.user.id, { roleId: managers.id, add: ['manage_rooms'] });
    await services.roles.grant(null, { userId: m.user.id, roleId: managers.id });
    const secret = (await services.roles.create(o.user.id, { name: 'secret' })).role;
    for (const p of [o, m, u]) clients.push(await RawClient.connect(server.url, p.accessToken));
    const [owner, mgr, member] = clients as [RawClient, RawClient, RawClient];
    const visible: string[] = [];
    const hidden: string[] = [];
    for (let i = 0; i < 4; i++) visible.push((await mgr.call('room.create', { name: `v${i}` })).room.id);
    for (let i = 0; i < 4; i++) hidden.push((await owner.call('room.create', { name: `h${i}`, restrictedTo: [secret.id] })).room.id);
    let order = [...visible];
    const view = async () => {
      const rooms = ((await member.call('state')).rooms as Frame[]).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
      return { ids: rooms.map((r) => r.id), pos: new Map(rooms.map((r) => [r.id as string, r.position as number])) };
    };
    let before = await view();
    for (const c of cmds) {
      let moved: string | null = null;
      if (c.k === 'vmove') {
        moved = visible[c.room]!;
        await mgr.call('room.move', { roomId: moved, categoryId: null, position: c.pos });
        const rest = order.filter((id) => id !== moved);
        const at = Math.min(c.pos, rest.length);
        order = [...rest.slice(0, at), moved, ...rest.slice(at)];
      } else {
        await owner.call('room.move', { roomId: hidden[c.room]!, categoryId: null, position: c.pos });
      }
      const after = await view();
      expect(after.ids).toEqual(order);
      for (const id of visible) {
        if (id === moved) continue;
        expect([0, 1024], `position change of a room that did not move (${c.k})`).toContain(after.pos.get(id)! - before.pos.get(id)!);
      }
      before = after;
    }
  } finally {
    for (const c of clients) await c.close();
    await server.close();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

describe('room positions (property)', () => {
  test.prop([fc.array(posCmd, { minLength: 10, maxLength: 40 })], { numRuns: 10, endOnFailure: true })(
    'positions after hidden moves: a member sees their rooms in order, never renumbered by hidden rooms',
    async (cmds) => {
      await runPositions(cmds);
    },
    120_000,
  );
});
