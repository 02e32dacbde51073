import fs from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addHistory,
  applyEvent,
  decodeEvent,
  roomThreadBadge,
  type StateResult,
  threadBadge,
  threadBadgeOf,
  type ThreadLevel,
  type Unread,
  type World,
  worldFromState,
} from '@open-discord/protocol';
import { makeOwner, member, type Member } from './community-support.js';
import { RawClient, testServer } from './helpers.js';

/*
 * Property: unread, mention and thread-unread counts against a simple model. Random room messages,
 * thread replies (to roots and to replies, also shown in the room or not, mentioning someone or not),
 * replies deleted by their authors, room and thread reads, follows with levels and mutes, unfollows, a room hidden and shown again, and server
 * restarts. After every step, for every user:
 *  - the server's `state` (room unread and mentions, followed threads with their counts) equals the model;
 *  - the World a client keeps (its last snapshot, taken when visibility changed, plus every event since)
 *    has the same counts, and the badges the TUI draws from it (by level and mute) equal the model's.
 * A badge that will not clear shows here as a count the model says is zero.
 */

const USERS = 3; // user 0 is the owner: the only one who still sees room 1 while it is restricted
const LEVELS = ['all', 'mentions', 'none'] as const;

type Cmd =
  | { k: 'send'; u: number; room: number; mention: number | null }
  | { k: 'reply'; u: number; root: number; toReply: boolean; mention: number | null; also: boolean }
  | { k: 'readRoom'; u: number; room: number }
  | { k: 'readThread'; u: number; root: number }
  | { k: 'follow'; u: number; root: number; level?: ThreadLevel; muted?: boolean }
  | { k: 'unfollow'; u: number; root: number }
  | { k: 'delete'; root: number; reply: number }
  | { k: 'hide' | 'show' | 'restart' };

const user = fc.nat({ max: USERS - 1 });
const mention = fc.option(user, { nil: null });
const root = fc.nat({ max: 7 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('send' as const), u: user, room: fc.nat({ max: 1 }), mention }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('reply' as const), u: user, root, toReply: fc.boolean(), mention, also: fc.boolean() }), weight: 5 },
  { arbitrary: fc.record({ k: fc.constant('readRoom' as const), u: user, room: fc.nat({ max: 1 }) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('readThread' as const), u: user, root }), weight: 2 },
  {
    arbitrary: fc.record(
      { k: fc.constant('follow' as const), u: user, root, level: fc.constantFrom(...LEVELS), muted: fc.boolean() },
      { requiredKeys: ['k', 'u', 'root'] },
    ),
    weight: 2,
  },
  { arbitrary: fc.record({ k: fc.constant('unfollow' as const), u: user, root }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('delete' as const), root, reply: fc.nat({ max: 7 }) }), weight: 1 },
  { arbitrary: fc.constantFrom({ k: 'hide' as const }, { k: 'show' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'restart' as const }), weight: 1 },
);

interface ModelMessage {
  id: string;
  order: number;
  room: number;
  author: number;
  threadId: string | null;
  also: boolean;
  mentions: Set<number>;
}
interface Follow {
  following: boolean;
  level: ThreadLevel;
  muted: boolean;
  readOrder: number;
}

class Model {
  messages: ModelMessage[] = [];
  hidden = false;
  roomMarker: number[][] = Array.from({ length: USERS }, () => [0, 0]);
  follows: Array<Map<string, Follow>> = Array.from({ length: USERS }, () => new Map());

  canSee = (u: number, room: number) => room === 0 || !this.hidden || u === 0;
  roots = () => this.messages.filter((m) => m.threadId === null);
  root = (i: number) => {
    const roots = this.roots();
    return roots.length ? roots[i % roots.length]! : null;
  };
  replies = (rootId: string) => this.messages.filter((m) => m.threadId === rootId);

  roomUnread(u: number, room: number): Unread {
    const marker = this.roomMarker[u]![room]!;
    const unread = this.messages.filter((m) => m.room === room && (m.threadId === null || m.also) && m.order > marker);
    return { count: unread.filter((m) => m.author !== u).length, mentions: unread.filter((m) => m.mentions.has(u)).length };
  }

  threads(u: number) {
    const out: Record<string, { roomId: number; level: ThreadLevel; muted: boolean; unread: Unread }> = {};
    for (const [rootId, f] of this.follows[u]!) {
      const root = this.messages.find((m) => m.id === rootId)!;
      if (!f.following || !this.canSee(u, root.room)) continue;
      const marker = Math.max(f.readOrder, this.roomMarker[u]![root.room]!);
      const unread = this.replies(rootId).filter((m) => m.order > marker);
      out[rootId] = {
        roomId: root.room,
        level: f.level,
        muted: f.muted,
        unread: { count: unread.filter((m) => m.author !== u).length, mentions: unread.filter((m) => m.mentions.has(u)).length },
      };
    }
    return out;
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function run(cmds: Cmd[]): Promise<void> {
  let server = await testServer();
  dirs.push(server.dataDir);
  const users: Member[] = [];
  let clients: RawClient[] = [];
  try {
    for (let i = 0; i < USERS; i++) users.push(await member(server.url, `user${i}`));
    await makeOwner(server, users[0]!.id);
    for (const u of users) clients.push(await RawClient.connect(server.url, u.token));
    const owner = clients[0]!;
    const rooms: string[] = [];
    for (const name of ['open', 'staff']) rooms.push((await owner.call('room.create', { name })).room.id);
    for (const c of clients.slice(1)) for (const r of rooms) await c.call('room.join', { roomId: r });
    const { role } = await owner.call('role.create', { name: 'staff' });
    const m = new Model();
    let nonce = 0;
    // Each user's last snapshot: what a client loads at start and again when visibility changes.
    // A client loads `state` and then its rooms' recent history, as od does; nothing is written in between.
    const snapshot = async (c: RawClient) => {
      const state = (await c.call('state')) as StateResult;
      let world = worldFromState(state);
      for (const roomId of state.joined) world = addHistory(world, roomId, (await c.call('history', { roomId, limit: 200 })).messages, true);
      return { state, world };
    };
    let snapshots = await Promise.all(clients.map(snapshot));

    const check = async (step: string) => {
      for (let u = 0; u < USERS; u++) {
        const c = clients[u]!;
        const state = (await c.call('state')) as StateResult;
        const want = m.threads(u);
        const wantThreads = Object.fromEntries(
          Object.entries(want).map(([id, t]) => [id, { ...t, roomId: rooms[t.roomId]! }]),
        );
        const got = Object.fromEntries(Object.entries(state.threads ?? {}).map(([id, { readOrder: _r, ...t }]) => [id, t]));
        expect(got, `${step}: server thread counts of user ${u}`).toEqual(wantThreads);
        for (let r = 0; r < 2; r++) {
          if (!m.canSee(u, r)) {
            expect(state.unread[rooms[r]!], `${step}: room ${r} hidden from ${u}`).toBeUndefined();
            continue;
          }
          expect(state.unread[rooms[r]!], `${step}: server room ${r} unread of user ${u}`).toEqual(m.roomUnread(u, r));
        }
        // The client's World: its snapshot plus every event since, as a resuming client folds them.
        let world: World = snapshots[u]!.world;
        let after = snapshots[u]!.state.head;
        for (;;) {
          const page = await c.call('sync', { after });
          for (const raw of page.events) world = applyEvent(world, decodeEvent(raw)!);
          after = page.through;
          if (!page.more) break;
        }
        const worldThreads = Object.fromEntries(
          Object.entries(world.followed).map(([id, f]) => [id, { roomId: f.roomId, level: f.level, muted: f.muted, unread: f.unread }]),
        );
        expect(worldThreads, `${step}: World thread counts of user ${u}`).toEqual(wantThreads);
        for (let r = 0; r < 2; r++) {
          if (!m.canSee(u, r)) continue;
          expect(world.unread[rooms[r]!], `${step}: World room ${r} unread of user ${u}`).toEqual(m.roomUnread(u, r));
          // The badges the TUI draws: per thread and summed per room, by level and mute.
          const badges = Object.entries(want).filter(([, t]) => t.roomId === r);
          for (const [id, t] of badges) expect(threadBadge(world, id)).toEqual(threadBadgeOf(t));
          const sum = badges.reduce((s, [, t]) => {
            const b = threadBadgeOf(t);
            return { count: s.count + b.count, mentions: s.mentions + b.mentions };
          }, { count: 0, mentions: 0 });
          expect(roomThreadBadge(world, rooms[r]!), `${step}: room ${r} thread badge of user ${u}`).toEqual(sum);
        }
      }
    };

    const follow = (u: number, rootId: string, readOrder: number, change: { level?: ThreadLevel; muted?: boolean } = {}) => {
      const prev = m.follows[u]!.get(rootId);
      m.follows[u]!.set(rootId, {
        following: true,
        level: change.level ?? prev?.level ?? 'all',
        muted: change.muted ?? prev?.muted ?? false,
        readOrder: prev?.following ? prev.readOrder : Math.max(prev?.readOrder ?? 0, readOrder),
      });
    };

    for (const [i, cmd] of cmds.entries()) {
      const step = `step ${i} ${JSON.stringify(cmd)}`;
      switch (cmd.k) {
        case 'send': {
          if (!m.canSee(cmd.u, cmd.room)) break;
          const target = cmd.mention !== null && cmd.mention !== cmd.u && m.canSee(cmd.mention, cmd.room) ? cmd.mention : null;
          const text = target === null ? 'hello' : `hello @${users[target]!.nickname}`;
          const msg = (await clients[cmd.u]!.call('message.send', { roomId: rooms[cmd.room], text, nonce: `n${++nonce}` })).message;
          m.messages.push({ id: msg.id, order: msg.order, room: cmd.room, author: cmd.u, threadId: null, also: false, mentions: new Set(target === null ? [] : [target]) });
          break;
        }
        case 'reply': {
          const root = m.root(cmd.root);
          if (!root || !m.canSee(cmd.u, root.room)) break;
          const replies = m.replies(root.id);
          const to = cmd.toReply && replies.length ? replies[cmd.root % replies.length]!.id : root.id;
          const target = cmd.mention !== null && cmd.mention !== cmd.u && m.canSee(cmd.mention, root.room) ? cmd.mention : null;
          const text = target === null ? 'reply' : `reply @${users[target]!.nickname}`;
          const msg = (
            await clients[cmd.u]!.call('message.send', { roomId: rooms[root.room], text, nonce: `n${++nonce}`, threadId: to, ...(cmd.also && { alsoInRoom: true }) })
          ).message;
          expect(msg.threadId, step).toBe(root.id);
          // Who starts following: the replier, the one mentioned, the root's author at the first reply.
          const who = new Set([cmd.u, ...(target === null ? [] : [target])]);
          if (replies.length === 0 && m.canSee(root.author, root.room)) who.add(root.author);
          for (const w of who) if (!m.follows[w]!.get(root.id)?.following) follow(w, root.id, msg.order - 1);
          m.messages.push({ id: msg.id, order: msg.order, room: root.room, author: cmd.u, threadId: root.id, also: cmd.also, mentions: new Set(target === null ? [] : [target]) });
          break;
        }
        case 'readRoom': {
          if (!m.canSee(cmd.u, cmd.room)) break;
          const head = server.head();
          await clients[cmd.u]!.call('read.mark', { roomId: rooms[cmd.room], order: head });
          m.roomMarker[cmd.u]![cmd.room] = Math.max(m.roomMarker[cmd.u]![cmd.room]!, head);
          break;
        }
        case 'readThread': {
          const root = m.root(cmd.root);
          if (!root || !m.canSee(cmd.u, root.room)) break;
          const head = server.head();
          await clients[cmd.u]!.call('thread.read', { roomId: rooms[root.room], threadId: root.id, order: head });
          const prev = m.follows[cmd.u]!.get(root.id) ?? { following: false, level: 'all' as const, muted: false, readOrder: 0 };
          m.follows[cmd.u]!.set(root.id, { ...prev, readOrder: Math.max(prev.readOrder, head) });
          break;
        }
        case 'follow': {
          const root = m.root(cmd.root);
          if (!root || !m.canSee(cmd.u, root.room)) break;
          const change = { ...(cmd.level && { level: cmd.level }), ...(cmd.muted !== undefined && { muted: cmd.muted }) };
          await clients[cmd.u]!.call('thread.follow', { roomId: rooms[root.room], threadId: root.id, ...change });
          follow(cmd.u, root.id, server.head(), change);
          break;
        }
        case 'unfollow': {
          const root = m.root(cmd.root);
          if (!root || !m.canSee(cmd.u, root.room)) break;
          await clients[cmd.u]!.call('thread.unfollow', { roomId: rooms[root.room], threadId: root.id });
          const prev = m.follows[cmd.u]!.get(root.id);
          if (prev) m.follows[cmd.u]!.set(root.id, { ...prev, following: false });
          break;
        }
        case 'delete': {
          const root = m.root(cmd.root);
          const replies = root ? m.replies(root.id) : [];
          const gone = replies.length ? replies[cmd.reply % replies.length]! : null;
          if (!gone || !m.canSee(gone.author, gone.room)) break;
          await clients[gone.author]!.call('message.delete', { messageId: gone.id });
          m.messages = m.messages.filter((x) => x.id !== gone.id);
          break;
        }
        case 'hide':
        case 'show': {
          if (m.hidden === (cmd.k === 'hide')) break;
          // The owner's connection of now (a restart replaced the first).
          if (cmd.k === 'hide') await clients[0]!.call('room.restrict', { roomId: rooms[1], roleIds: [role.id] });
          else await clients[0]!.call('room.open', { roomId: rooms[1] });
          m.hidden = cmd.k === 'hide';
          // access.changed: every client loads a fresh snapshot.
          snapshots = await Promise.all(clients.map(snapshot));
          break;
        }
        case 'restart': {
          for (const c of clients) await c.close();
          await server.close();
          server = await testServer({ dataDir: server.dataDir });
          clients = [];
          for (const u of users) clients.push(await RawClient.connect(server.url, u.token));
          break;
        }
      }
      await check(step);
    }
  } finally {
    for (const c of clients) await c.close();
    await server.close();
  }
}

describe('thread, unread and mention counts (model-based)', () => {
  it('marking the room read clears its followed threads (a fixed case)', async () => {
    await run([
      { k: 'send', u: 0, room: 0, mention: null },
      { k: 'reply', u: 1, root: 0, toReply: false, mention: 2, also: false },
      { k: 'readRoom', u: 0, room: 0 },
      { k: 'readThread', u: 2, root: 0 },
      { k: 'reply', u: 1, root: 0, toReply: true, mention: null, also: true },
      { k: 'restart' },
      { k: 'readRoom', u: 2, room: 0 },
    ]);
  });

  it('a deleted reply leaves the counts of followers who never loaded it (a fixed case)', async () => {
    await run([
      { k: 'send', u: 0, room: 0, mention: null },
      { k: 'reply', u: 1, root: 0, toReply: false, mention: 2, also: true },
      { k: 'reply', u: 2, root: 0, toReply: false, mention: null, also: false },
      { k: 'hide' },
      { k: 'delete', root: 0, reply: 0 },
      { k: 'show' },
      { k: 'delete', root: 0, reply: 0 },
      { k: 'reply', u: 1, root: 0, toReply: false, mention: 0, also: false },
    ]);
  });

  test.prop([fc.array(cmd, { minLength: 5, maxLength: 30 })], { numRuns: 12, endOnFailure: true })(
    "the server's counts and the client's badges always equal the model's, and clear when read",
    async (cmds) => {
      await run(cmds);
    },
    180_000,
  );
});
