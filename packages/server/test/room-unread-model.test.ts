import fs from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { addHistory, applyEvent, decodeEvent, type StateResult, type Unread, type World, worldFromState } from '@open-discord/protocol';
import { makeOwner, member, type Member } from './community-support.js';
import { RawClient, testServer } from './helpers.js';

/*
 * Property: a room's unread and mention counts, kept by counters on the server (a per-room message sequence
 * and per-reader offsets), against a simple model that counts from scratch. Random room messages (some
 * mentioning someone), thread replies shown in the room or not, edits, deletes by authors and by the owner
 * (of plain messages, thread roots and replies), reads to the head, marking unread again from an older
 * message, parts and rejoins, and restarts. After every step, for every user and every room they are in,
 * the server's `state` and the World a client keeps (its snapshot plus every event since) equal the model.
 * A badge that is wrong or sticks shows here as a count that differs from the model's.
 */

const USERS = 3; // user 0 is the owner (moderates: may delete anyone's message)
const ROOMS = 2;

type Cmd =
  | { k: 'send'; u: number; room: number; mention: number | null }
  | { k: 'reply'; u: number; root: number; also: boolean; mention: number | null }
  | { k: 'edit'; pick: number }
  | { k: 'delete'; pick: number; byOwner: boolean }
  | { k: 'read'; u: number; room: number }
  | { k: 'unmark'; u: number; room: number; pick: number }
  | { k: 'part' | 'join'; u: number; room: number }
  | { k: 'restart' };

const user = fc.nat({ max: USERS - 1 });
const room = fc.nat({ max: ROOMS - 1 });
const mention = fc.option(user, { nil: null });
const pick = fc.nat({ max: 50 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('send' as const), u: user, room, mention }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('reply' as const), u: user, root: pick, also: fc.boolean(), mention }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('edit' as const), pick }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('delete' as const), pick, byOwner: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('read' as const), u: user, room }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('unmark' as const), u: user, room, pick }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constantFrom('part' as const, 'join' as const), u: fc.integer({ min: 1, max: USERS - 1 }), room }), weight: 2 },
  { arbitrary: fc.constant({ k: 'restart' as const }), weight: 1 },
);

interface ModelMessage {
  id: string;
  text: string;
  order: number;
  room: number;
  author: number;
  threadId: string | null;
  also: boolean;
  mentions: Set<number>;
  deleted: boolean;
}

class Model {
  messages: ModelMessage[] = [];
  marker: number[][] = Array.from({ length: USERS }, () => Array<number>(ROOMS).fill(0));
  member: boolean[][] = Array.from({ length: USERS }, () => Array<boolean>(ROOMS).fill(true));

  live = () => this.messages.filter((m) => !m.deleted);
  unread(u: number, room: number): Unread {
    const after = this.live().filter((m) => m.room === room && (m.threadId === null || m.also) && m.order > this.marker[u]![room]!);
    return { count: after.filter((m) => m.author !== u).length, mentions: after.filter((m) => m.mentions.has(u)).length };
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
    const rooms: string[] = [];
    for (let r = 0; r < ROOMS; r++) rooms.push((await clients[0]!.call('room.create', { name: `room${r}` })).room.id);
    for (const c of clients.slice(1)) for (const r of rooms) await c.call('room.join', { roomId: r });
    // Everyone starts with nothing unread: markers at the head.
    const m = new Model();
    for (let u = 0; u < USERS; u++) for (let r = 0; r < ROOMS; r++) {
      await clients[u]!.call('read.mark', { roomId: rooms[r]!, order: server.head() });
      m.marker[u]![r] = server.head();
    }
    let nonce = 0;
    // Each user's snapshot, loaded once as od does at start (state, then recent history); events follow.
    const snapshot = async (c: RawClient) => {
      const state = (await c.call('state')) as StateResult;
      let world = worldFromState(state);
      for (const roomId of state.joined) world = addHistory(world, roomId, (await c.call('history', { roomId, limit: 200 })).messages, true);
      return { state, world };
    };
    const snapshots = await Promise.all(clients.map(snapshot));

    const check = async (step: string) => {
      for (let u = 0; u < USERS; u++) {
        const c = clients[u]!;
        const state = (await c.call('state')) as StateResult;
        let world: World = snapshots[u]!.world;
        let after = snapshots[u]!.state.head;
        for (;;) {
          const page = await c.call('sync', { after });
          for (const raw of page.events) world = applyEvent(world, decodeEvent(raw)!);
          after = page.through;
          if (!page.more) break;
        }
        for (let r = 0; r < ROOMS; r++) {
          if (!m.member[u]![r]) {
            expect(state.joined, `${step}: user ${u} left room ${r}`).not.toContain(rooms[r]);
            expect(state.unread[rooms[r]!], `${step}: no counts of a room user ${u} left`).toBeUndefined();
            continue;
          }
          expect(state.unread[rooms[r]!], `${step}: server unread of room ${r} for user ${u}`).toEqual(m.unread(u, r));
          expect(world.unread[rooms[r]!], `${step}: World unread of room ${r} for user ${u}`).toEqual(m.unread(u, r));
        }
      }
    };

    /** A message the step acts on, chosen among the live ones (or none). */
    const chosen = (i: number, which: (x: ModelMessage) => boolean = () => true) => {
      const live = m.live().filter(which);
      return live.length ? live[i % live.length]! : null;
    };
    const target = (u: number, r: number, who: number | null) => (who !== null && who !== u && m.member[who]![r] ? who : null);

    for (const [i, cmd] of cmds.entries()) {
      const step = `step ${i} ${JSON.stringify(cmd)}`;
      switch (cmd.k) {
        case 'send': {
          if (!m.member[cmd.u]![cmd.room]) break;
          const to = target(cmd.u, cmd.room, cmd.mention);
          const text = to === null ? `hello ${i}` : `hello @${users[to]!.nickname}`;
          const msg = (await clients[cmd.u]!.call('message.send', { roomId: rooms[cmd.room]!, text, nonce: `n${++nonce}` })).message;
          m.messages.push({ id: msg.id, text, order: msg.order, room: cmd.room, author: cmd.u, threadId: null, also: false, mentions: new Set(to === null ? [] : [to]), deleted: false });
          break;
        }
        case 'reply': {
          const root = chosen(cmd.root, (x) => x.threadId === null);
          if (!root || !m.member[cmd.u]![root.room]) break;
          const to = target(cmd.u, root.room, cmd.mention);
          const text = to === null ? `reply ${i}` : `reply @${users[to]!.nickname}`;
          const msg = (
            await clients[cmd.u]!.call('message.send', {
              roomId: rooms[root.room]!, text, nonce: `n${++nonce}`, threadId: root.id, ...(cmd.also && { alsoInRoom: true }),
            })
          ).message;
          m.messages.push({ id: msg.id, text, order: msg.order, room: root.room, author: cmd.u, threadId: root.id, also: cmd.also, mentions: new Set(to === null ? [] : [to]), deleted: false });
          break;
        }
        case 'edit': {
          // The text keeps its mention: an edit changes no count.
          const msg = chosen(cmd.pick, (x) => m.member[x.author]![x.room]!);
          if (!msg) break;
          msg.text = `${msg.text} (edited)`;
          await clients[msg.author]!.call('message.edit', { messageId: msg.id, text: msg.text });
          break;
        }
        case 'delete': {
          const msg = chosen(cmd.pick, (x) => cmd.byOwner || m.member[x.author]![x.room]!);
          if (!msg) break;
          await clients[cmd.byOwner ? 0 : msg.author]!.call('message.delete', { messageId: msg.id });
          msg.deleted = true;
          break;
        }
        case 'read': {
          if (!m.member[cmd.u]![cmd.room]) break;
          const head = server.head();
          await clients[cmd.u]!.call('read.mark', { roomId: rooms[cmd.room]!, order: head });
          m.marker[cmd.u]![cmd.room] = Math.max(m.marker[cmd.u]![cmd.room]!, head);
          break;
        }
        case 'unmark': {
          // Mark unread again from one of the room's messages (deleted ones included: any order will do).
          if (!m.member[cmd.u]![cmd.room]) break;
          const inRoom = m.messages.filter((x) => x.room === cmd.room);
          if (!inRoom.length) break;
          const from = inRoom[cmd.pick % inRoom.length]!.order;
          await clients[cmd.u]!.call('read.unmark', { roomId: rooms[cmd.room]!, order: from });
          m.marker[cmd.u]![cmd.room] = Math.min(m.marker[cmd.u]![cmd.room]!, from - 1);
          break;
        }
        case 'part': {
          if (!m.member[cmd.u]![cmd.room]) break;
          await clients[cmd.u]!.call('room.part', { roomId: rooms[cmd.room]! });
          m.member[cmd.u]![cmd.room] = false;
          break;
        }
        case 'join': {
          if (m.member[cmd.u]![cmd.room]) break;
          await clients[cmd.u]!.call('room.join', { roomId: rooms[cmd.room]! });
          // What was said meanwhile never reached the joiner: their marker moves to the join (never back).
          m.marker[cmd.u]![cmd.room] = Math.max(m.marker[cmd.u]![cmd.room]!, server.head());
          m.member[cmd.u]![cmd.room] = true;
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

describe('room unread and mention counts from counters (model-based)', () => {
  it('deletes before and after the marker, an unmark behind them, a part and a rejoin (a fixed case)', async () => {
    await run([
      { k: 'send', u: 1, room: 0, mention: 2 },
      { k: 'send', u: 2, room: 0, mention: null },
      { k: 'reply', u: 1, root: 0, also: true, mention: 2 },
      { k: 'reply', u: 0, root: 0, also: false, mention: 2 },
      { k: 'read', u: 2, room: 0 },
      { k: 'send', u: 1, room: 0, mention: null },
      { k: 'delete', pick: 0, byOwner: true },
      { k: 'delete', pick: 3, byOwner: false },
      { k: 'unmark', u: 2, room: 0, pick: 0 },
      { k: 'edit', pick: 1 },
      { k: 'part', u: 2, room: 0 },
      { k: 'send', u: 1, room: 0, mention: null },
      { k: 'restart' },
      { k: 'join', u: 2, room: 0 },
      { k: 'send', u: 2, room: 0, mention: 1 },
      { k: 'send', u: 1, room: 0, mention: 2 },
      { k: 'unmark', u: 2, room: 0, pick: 0 },
      { k: 'read', u: 2, room: 0 },
    ]);
  });

  test.prop([fc.array(cmd, { minLength: 5, maxLength: 30 })], { numRuns: 12, endOnFailure: true })(
    "the server's counts and the client's always equal the model's, and clear when read",
    async (cmds) => {
      await run(cmds);
    },
    180_000,
  );
});
