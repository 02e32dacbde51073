import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthSession, connect, OdClient, signup, type ClientEvent, type Message, type OdClientEvents, type TokenPair } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';
import { TcpProxy } from './client-support/tcp-proxy.js';

/*
 * The typed client against a real od-server (real sockets, real SQLite in a temp dir): chat, resume after a
 * disconnect, a server restart in between, and a send whose reply is lost in flight.
 */

const BACKOFF = { initialMs: 10, maxMs: 100 };
let dir: string;
let server: RunningServer;
let proxy: TcpProxy | null = null;
const clients: OdClient[] = [];

// messageRate null: these tests send hundreds of messages at once; the server's default bucket would refuse them.
const start = (port = 0) => startServer({ dataDir: dir, port, registration: 'open', bcryptCost: 4, messageRate: null, firstRoom: null, log: () => {} });

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
  server = await start();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await proxy?.close();
  proxy = null;
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const password = (name: string) => `password-of-${name}`;
const account = (url: string, name: string): Promise<TokenPair> => signup(url, { username: name, password: password(name) });

/** A client recording every event and snapshot it emits, listening from before it connects. */
function track(client: OdClient): { client: OdClient; events: ClientEvent[]; snapshots: string[] } {
  const t = { client, events: [] as ClientEvent[], snapshots: [] as string[] };
  client.on('event', (e) => t.events.push(e));
  client.on('snapshot', (_s, reason) => t.snapshots.push(reason));
  clients.push(client);
  return t;
}

/** connect() with the recorder attached through `setup`, before the client goes live. */
async function connected(url: string, creds: Parameters<typeof connect>[1], onRotate?: (pair: TokenPair) => void) {
  let t!: ReturnType<typeof track>;
  await connect(url, creds, { backoff: BACKOFF, setup: (c) => (t = track(c)), ...(onRotate && { onRotate }) });
  return t;
}

/** Resolves when `pred` holds, re-checking on every emission of `name` (bounded). */
function until<K extends keyof OdClientEvents>(client: OdClient, name: K, pred: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pred()) return resolve();
    const check = (() => {
      if (!pred()) return;
      clearTimeout(timer);
      client.off(name, check);
      resolve();
    }) as OdClientEvents[K];
    const timer = setTimeout(() => {
      client.off(name, check);
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    client.on(name, check);
  });
}

const messages = (events: ClientEvent[], roomId: string): Message[] =>
  events.flatMap((e) => (e.type === 'message.created' && e.data.message.roomId === roomId ? [e.data.message] : []));

async function sendMany(client: OdClient, roomId: string, n: number, tag: string): Promise<Message[]> {
  const sent: Message[] = [];
  // Batches of concurrent sends exercise group commit; the order to expect is the order the server assigned.
  for (let i = 0; i < n; i += 50) {
    const batch = Array.from({ length: Math.min(50, n - i) }, (_, k) =>
      client.request('message.send', { roomId, text: `${tag} ${i + k}`, nonce: `${tag}-${i + k}` }),
    );
    for (const r of await Promise.all(batch)) sent.push(r.message);
  }
  return sent.sort((a, b) => a.order - b.order);
}

async function roomWithTwo(url: string) {
  const [alicePair, bobPair] = [await account(url, 'alice'), await account(url, 'bob')];
  // Alice starts from a saved refresh token only: the client refreshes first and hands out the new pair.
  const rotated: TokenPair[] = [];
  const alice = await connected(url, { refreshToken: alicePair.refreshToken }, (p) => rotated.push(p));
  expect(rotated).toHaveLength(1);
  expect(rotated[0]!.refreshToken).not.toBe(alicePair.refreshToken);
  const bob = await connected(url, { username: 'bob', password: password('bob') });
  const { room } = await alice.client.request('room.create', { name: 'general' });
  await until(bob.client, 'event', () => bob.events.some((e) => e.type === 'room.created' && e.data.room.id === room.id), 'bob to see the room');
  await join(bob, room.id);
  return { alice, bob, bobPair, roomId: room.id };
}

/**
 * The member joins the room (its messages reach members only) and has its own `room.joined` in its stream, so
 * the order it is accounted up to comes after the join.
 */
async function join(t: ReturnType<typeof track>, roomId: string): Promise<void> {
  await t.client.request('room.join', { roomId });
  const me = t.client.me!.id;
  await until(t.client, 'event', () => t.events.some((e) => e.type === 'room.joined' && e.data.roomId === roomId && e.data.userId === me), 'the join');
}

/** Resume bob from `lastOrder` with a fresh client (his old one was closed). */
async function resumeBob(url: string, bobPair: TokenPair, lastOrder: number) {
  const bob2 = track(new OdClient({ url, tokens: new AuthSession({ url, tokens: bobPair }), lastOrder, backoff: BACKOFF }));
  await bob2.client.connect();
  return bob2;
}

describe('OdClient against od-server', () => {
  it('two clients chat', async () => {
    const { alice, bob, roomId } = await roomWithTwo(server.url);
    expect(bob.snapshots).toEqual(['initial']);
    expect(alice.snapshots).toEqual(['initial']);
    await alice.client.request('message.send', { roomId, text: 'hello bob', nonce: 'a1' });
    await until(bob.client, 'event', () => messages(bob.events, roomId).length === 1, 'bob to get the message');
    await bob.client.request('message.send', { roomId, text: 'hi alice', nonce: 'b1' });
    await until(alice.client, 'event', () => messages(alice.events, roomId).length === 2, 'alice to get both');
    expect(messages(alice.events, roomId).map((m) => m.text)).toEqual(['hello bob', 'hi alice']);
    expect(messages(bob.events, roomId).map((m) => m.authorId)).toEqual([alice.client.me!.id, bob.client.me!.id]);
  });

  it('resume after a disconnect delivers exactly the 200 missed messages, in order', async () => {
    const { alice, bob, bobPair, roomId } = await roomWithTwo(server.url);
    const lastOrder = bob.client.lastOrder!;
    bob.client.close();
    const sent = await sendMany(alice.client, roomId, 200, 'missed');

    const bob2 = await resumeBob(server.url, bobPair, lastOrder);
    await until(bob2.client, 'event', () => bob2.events.length >= 200, 'the 200 messages');
    // One more round trip: anything extra would have arrived before its reply.
    await bob2.client.request('history', { roomId, limit: 1 });
    expect(bob2.events.map((e) => e.order)).toEqual(sent.map((m) => m.order));
    expect(messages(bob2.events, roomId).map((m) => m.id)).toEqual(sent.map((m) => m.id));
    expect(bob2.snapshots).toEqual([]);
  });

  it('resume works across a server restart on the same data dir', async () => {
    proxy = await TcpProxy.start(server.port);
    const { alice, bob, bobPair, roomId } = await roomWithTwo(proxy.url);
    await alice.client.request('message.send', { roomId, text: 'before the restart', nonce: 'pre' });
    await until(bob.client, 'event', () => messages(bob.events, roomId).length === 1, 'the first message');
    const lastOrder = bob.client.lastOrder!;
    bob.client.close();

    await server.close();
    server = await start();
    proxy.retarget(server.port);

    // Alice's client reconnects by itself; her sends wait until it is live again.
    const sent = await sendMany(alice.client, roomId, 200, 'after');
    const bob2 = await resumeBob(proxy.url, bobPair, lastOrder);
    await until(bob2.client, 'event', () => bob2.events.length >= 200, 'the 200 messages');
    await bob2.client.request('history', { roomId, limit: 1 });
    expect(messages(bob2.events, roomId).map((m) => m.id)).toEqual(sent.map((m) => m.id));
    expect(bob2.events).toHaveLength(200);
    const history = await bob2.client.request('history', { roomId, limit: 200 });
    expect(history.messages.at(-1)?.text).toBe('after 199');
    const older = await bob2.client.request('history', { roomId, before: history.messages[0]!.order });
    expect(older.messages.map((m) => m.text)).toEqual(['before the restart']);
  });

  it('a live client rides out a server restart without losing or doubling events', async () => {
    proxy = await TcpProxy.start(server.port);
    const { alice, bob, roomId } = await roomWithTwo(proxy.url);
    const before = bob.events.length;
    const offline = until(bob.client, 'status', () => bob.client.status.state === 'offline', 'bob offline');
    await server.close();
    await offline;
    server = await start();
    proxy.retarget(server.port);
    const sent = await sendMany(alice.client, roomId, 100, 'during');
    await until(bob.client, 'event', () => messages(bob.events, roomId).length >= 100, 'the 100 messages');
    await bob.client.request('history', { roomId, limit: 1 });
    expect(bob.events.slice(before).map((e) => e.order)).toEqual(sent.map((m) => m.order));
  });

  it('a send whose reply is lost with the connection is re-sent and stored once', async () => {
    proxy = await TcpProxy.start(server.port);
    const alicePair = await account(server.url, 'alice');
    await account(server.url, 'bob');
    // Alice talks through the proxy (so the test can cut her socket); her HTTP refreshes go direct.
    const alice = track(new OdClient({ url: proxy.url, tokens: new AuthSession({ url: server.url, tokens: alicePair }), backoff: BACKOFF }));
    await alice.client.connect();
    const bob = await connected(server.url, { username: 'bob', password: password('bob') });
    const { room } = await alice.client.request('room.create', { name: 'general' });
    await join(bob, room.id);

    proxy.blackhole();
    const send = alice.client.request('message.send', { roomId: room.id, text: 'only once', nonce: 'nonce-once' });
    // The server stored it (bob sees it) but alice never got the reply.
    await until(bob.client, 'event', () => messages(bob.events, room.id).length === 1, 'bob to see the message');
    proxy.cut();

    const { message } = await send;
    expect(message.id).toBe(messages(bob.events, room.id)[0]!.id);
    const history = await bob.client.request('history', { roomId: room.id });
    expect(history.messages.map((m) => m.text)).toEqual(['only once']);
    // Alice's own stream has it exactly once too (it came back in the replay after she reconnected).
    await until(alice.client, 'event', () => messages(alice.events, room.id).length === 1, "alice's copy");
    await alice.client.request('history', { roomId: room.id, limit: 1 });
    expect(messages(alice.events, room.id)).toHaveLength(1);
  });
});
