import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addHistory, applyEvent, connect, signup, worldFromState, type OdClient, type World } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';
import { TcpProxy } from './client-support/tcp-proxy.js';

/*
 * Reactions through the typed client a bot (and od) uses, each client folding its World with the protocol's
 * pure model: live, after a resume from an older order (events missed while the connection was gone), and
 * across a server restart. Real sockets and a real SQLite file; conditions are awaited, never slept on.
 */

let dir: string;
let server: RunningServer;
const clients: OdClient[] = [];
const proxies: TcpProxy[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of proxies.splice(0)) await p.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const start = () => startServer({ dataDir: dir, port: 0, registration: 'open', bcryptCost: 4, authRate: null, messageRate: null, firstRoom: null, log: () => {} });

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A signed-up user connected through its own proxy, folding a World. */
async function user(username: string) {
  const password = `password-of-${username}`;
  await signup(server.url, { username, password });
  const proxy = await TcpProxy.start(server.port);
  proxies.push(proxy);
  let world: World | null = null;
  const client = await connect(proxy.url, { username, password }, {
    backoff: { initialMs: 10, maxMs: 50 },
    setup: (c) => {
      c.on('snapshot', (s) => (world = worldFromState(s, world ?? undefined)));
      c.on('event', (e) => {
        if (world) world = applyEvent(world, e);
      });
    },
  });
  clients.push(client);
  return {
    client,
    proxy,
    world: () => world!,
    load: async (roomId: string) => {
      const page = await client.request('history', { roomId });
      world = addHistory(world!, roomId, page.messages, page.end);
    },
  };
}

describe('reactions through the typed client', () => {
  it('reach a loaded message live, after a resume that missed them, and across a restart', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-react-'));
    server = await start();
    const alice = await user('alice');
    const bob = await user('bob');
    const { room } = await alice.client.request('room.create', { name: 'lobby' });
    await bob.client.request('room.join', { roomId: room.id });
    const { message } = await alice.client.request('message.send', { roomId: room.id, text: 'ship it?', nonce: 'n1' });
    await bob.load(room.id);
    const shown = () => bob.world().messages[room.id]?.find((m) => m.id === message.id)?.reactions;

    await alice.client.request('reaction.add', { messageId: message.id, emoji: ':tada:' });
    await until(() => shown()?.[0]?.emoji === '🎉', 'the live reaction');
    expect(shown()).toEqual([{ emoji: '🎉', userIds: [alice.client.me!.id] }]);

    // Bob's connection goes quiet; what happens meanwhile reaches him by replay from his last order.
    const before = bob.world().head;
    bob.proxy.blackhole();
    await alice.client.request('reaction.add', { messageId: message.id, emoji: '👍' });
    await alice.client.request('reaction.remove', { messageId: message.id, emoji: '🎉' });
    expect(bob.world().head).toBe(before);
    bob.proxy.cut();
    await until(() => shown()?.length === 1 && shown()?.[0]?.emoji === '👍', 'the replayed reactions');

    // A restart: both reconnect to the new process; the reactions are durable and keep arriving.
    await server.close();
    server = await start();
    for (const p of proxies) p.retarget(server.port);
    alice.proxy.cut();
    bob.proxy.cut();
    await until(() => alice.client.status.state === 'live' && bob.client.status.state === 'live', 'both live again');
    await bob.client.request('reaction.add', { messageId: message.id, emoji: '👍' });
    await until(() => shown()?.[0]?.userIds.length === 2, "bob's own reaction");
    const fresh = await bob.client.request('history', { roomId: room.id });
    expect(fresh.messages.find((m) => m.id === message.id)?.reactions).toEqual(shown());
    expect(shown()).toEqual([{ emoji: '👍', userIds: [alice.client.me!.id, bob.client.me!.id] }]);
  });
});
