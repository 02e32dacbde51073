import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RawClient, signup, tempDir, testScope, testServer, until } from './helpers.js';
import { freshPgUrl } from './pg/fresh-db.js';

/*
 * od-server on PostgreSQL through real sockets: the core chat path (sign up, #general, send, resume) on one
 * node, and a message crossing from one node to another on the same database (NOTIFY).
 */
const { cleanups } = testScope();

async function pgServer(database: string, dataDir = tempDir()) {
  const server = await testServer({ dataDir, database, firstRoom: 'general' });
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => server.close());
  return server;
}

async function connect(url: string, token: string, resumeAfter?: number) {
  const c = await RawClient.connect(url, token, resumeAfter);
  cleanups.push(() => c.close());
  return c;
}

const texts = (c: RawClient) => c.events.filter((f) => f.event.type === 'message.created').map((f) => f.event.data.message.text);

describe('od-server on a PostgreSQL it cannot open', () => {
  it('refuses to start with the reason, and no password in it', async () => {
    const dataDir = tempDir();
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const failure = testServer({ dataDir, database: 'postgres://od:hunter2@127.0.0.1:1/od' });
    await expect(failure).rejects.toThrow(/^cannot open the PostgreSQL database postgres:\/\/od:\*\*\*@127\.0\.0\.1:1\/od: /);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});

describe('od-server on PostgreSQL', () => {
  it('sign up, #general, send, and resume after being away', async () => {
    const server = await pgServer(await freshPgUrl());
    const alice = await signup(server.url, 'alice');
    const bob = await signup(server.url, 'bob');
    const a = await connect(server.url, alice.accessToken);
    let b = await connect(server.url, bob.accessToken);
    const general = (await a.call('state')).rooms.find((r: { name: string }) => r.name === 'general');
    expect(general).toBeDefined();
    await a.call('message.send', { roomId: general.id, text: 'hello', nonce: 'h' });
    await until(() => texts(b).length === 1, 'bob to get the message live');
    expect(texts(b)).toEqual(['hello']);
    const last = b.events[b.events.length - 1]!.event.order as number;
    await b.close();

    const sent: string[] = [];
    for (let i = 0; i < 20; i++) sent.push(`missed ${i}`);
    await Promise.all(sent.map((text, i) => a.call('message.send', { roomId: general.id, text, nonce: `m${i}` })));
    b = await connect(server.url, bob.accessToken, last);
    expect(b.ready.replaying).toBe(true);
    const orders = b.replayed.map((e) => e.order as number);
    expect(orders).toEqual([...orders].sort((x, y) => x - y));
    expect(new Set(orders).size).toBe(orders.length);
    expect(b.replayed.filter((e) => e.type === 'message.created').map((e) => e.data.message.text).sort()).toEqual([...sent].sort());
    expect(server.head()).toBe(orders[orders.length - 1]);
    const history = await b.call('history', { roomId: general.id });
    expect(history.messages.map((m: { text: string }) => m.text)).toContain('hello');
  });

  it('two nodes on one database: a message sent on one reaches a member connected to the other, live, in order', async () => {
    const database = await freshPgUrl();
    // One data folder: both nodes sign tokens with the same secret.
    const dataDir = tempDir();
    const nodeA = await pgServer(database, dataDir);
    const nodeB = await testServer({ dataDir, database, firstRoom: 'general' });
    cleanups.push(() => nodeB.close());
    const alice = await signup(nodeA.url, 'alice');
    const bob = await signup(nodeB.url, 'bob');
    const a = await connect(nodeA.url, alice.accessToken);
    const b = await connect(nodeB.url, bob.accessToken);
    const general = (await a.call('state')).rooms.find((r: { name: string }) => r.name === 'general');
    for (let i = 0; i < 5; i++) await a.call('message.send', { roomId: general.id, text: `from A ${i}`, nonce: `a${i}` });
    await until(() => texts(b).length === 5, 'bob on node B to get the messages sent on node A');
    expect(texts(b)).toEqual([0, 1, 2, 3, 4].map((i) => `from A ${i}`));
    await b.call('message.send', { roomId: general.id, text: 'from B', nonce: 'b' });
    await until(() => texts(a).includes('from B'), 'alice on node A to get the message sent on node B');
    // Both nodes published the same gap-free stream.
    await until(() => nodeA.head() === nodeB.head(), 'both nodes at the same head');
    let prev = b.ready.head as number;
    for (const f of b.events) {
      expect(f.prev).toBe(prev);
      prev = f.event.order;
    }
  });
});
