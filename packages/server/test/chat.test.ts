import { describe, expect, it } from 'vitest';
import { RawClient, signup, testScope, testServer, until } from './helpers.js';

const { cleanups, setup } = testScope();

async function connect(url: string, token: string, resumeAfter?: number) {
  const c = await RawClient.connect(url, token, resumeAfter);
  cleanups.push(() => c.close());
  return c;
}

/** Each live frame's prev must equal the order of the previous frame (or the ready/replay point). */
function expectChained(c: RawClient, start: number) {
  let last = start;
  for (const f of c.events) {
    expect(f.prev).toBe(last);
    expect(f.event.order).toBeGreaterThan(last);
    last = f.event.order;
  }
  return last;
}

describe('live chat and visibility', () => {
  it('two clients chat; a third who cannot see the room gets only what it may, with prev skipping hidden orders', async () => {
    const server = await setup();
    const [alice, bob, carol] = [await signup(server.url, 'alice'), await signup(server.url, 'bob'), await signup(server.url, 'carol')];
    const a = await connect(server.url, alice.accessToken);
    const b = await connect(server.url, bob.accessToken);
    const c = await connect(server.url, carol.accessToken);

    const { room: lobby } = await a.call('room.create', { name: 'lobby' });
    const { room: secret } = await a.call('room.create', { name: 'secret' });
    const { accessAdmin } = server.app.services;
    await accessAdmin.restrictRoom(null, secret.id, ['admin']);
    await accessAdmin.grantRole(null, alice.user.id, 'admin');
    await accessAdmin.grantRole(null, bob.user.id, 'admin');
    await b.call('room.join', { roomId: lobby.id });
    await b.call('room.join', { roomId: secret.id });
    await c.call('room.join', { roomId: lobby.id });

    const s1 = (await a.call('message.send', { roomId: secret.id, text: 'secret one', nonce: 's1' })).message;
    const l1 = (await b.call('message.send', { roomId: lobby.id, text: 'hello lobby', nonce: 'l1' })).message;
    const s2 = (await b.call('message.send', { roomId: secret.id, text: 'secret two', nonce: 's2' })).message;
    const l2 = (await a.call('message.send', { roomId: lobby.id, text: 'bye lobby', nonce: 'l2' })).message;

    await until(() => c.events.some((f) => f.event.order === l2.order), 'carol gets l2');
    await until(() => b.events.some((f) => f.event.order === l2.order), 'bob gets l2');

    // Bob (admin) saw every message; carol saw lobby messages only and nothing of the secret room.
    const texts = (cl: RawClient) => cl.events.filter((f) => f.event.type === 'message.created').map((f) => f.event.data.message.text);
    expect(texts(b)).toEqual(['secret one', 'hello lobby', 'secret two', 'bye lobby']);
    expect(texts(c)).toEqual(['hello lobby', 'bye lobby']);
    expect(c.events.some((f) => f.event.roomId === secret.id && f.event.type !== 'room.created')).toBe(false);
    // Carol's access.changed (secret became hidden) is hers alone; others' private events never reach her.
    const privateToCarol = c.events.filter((f) => f.event.type === 'access.changed');
    expect(privateToCarol.map((f) => f.event.data.userId)).toEqual([carol.user.id]);

    // Gap accounting: every frame's prev is the previous frame's order; hidden orders fall in between.
    expectChained(a, a.ready.head);
    expectChained(b, b.ready.head);
    expectChained(c, c.ready.head);
    const l2Frame = c.events.find((f) => f.event.order === l2.order)!;
    expect(l2Frame.prev).toBe(l1.order);
    expect(s2.order).toBeGreaterThan(l1.order);
    expect(s2.order).toBeLessThan(l2.order);
    expect(s1.order).toBeLessThan(l1.order);

    // History and sync refuse or filter the hidden room for carol, with "not found" rather than "forbidden".
    const h = await c.request('history', { roomId: secret.id });
    expect(h.ok).toBe(false);
    expect(h.error.code).toBe('NOT_FOUND');
    const sync = await c.call('sync', { after: 0 });
    expect(sync.events.some((e: any) => e.type === 'message.created' && e.roomId === secret.id)).toBe(false);
    expect(sync.through).toBe(server.head());
    const state = await c.call('state');
    expect(state.rooms.map((r: any) => r.name)).toEqual(['lobby']);
    expect(state.users.every((u: any) => u.username === undefined)).toBe(true);
    expect(state.me.username).toBe('carol');
  });

  it('typing is relayed to those who can see the room, and presence follows connections', async () => {
    const server = await setup();
    const alice = await signup(server.url, 'alice');
    const bob = await signup(server.url, 'bob');
    const a = await connect(server.url, alice.accessToken);
    const { room } = await a.call('room.create', { name: 'lobby' });
    const b = await connect(server.url, bob.accessToken);
    await b.call('room.join', { roomId: room.id });
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id && f.online, 'bob online');
    b.sendJson({ type: 'typing', roomId: room.id });
    await a.waitFrame((f) => f.type === 'typing' && f.userId === bob.user.id && f.roomId === room.id, 'typing');
    const state = await a.call('state');
    expect(state.users.find((u: any) => u.id === bob.user.id).online).toBe(true);
    await b.close();
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id && !f.online, 'bob offline');
  });
});

describe('resume', () => {
  async function sendMany(c: RawClient, roomId: string, n: number, prefix: string) {
    // Sent concurrently, so the server group-commits them; the reply order is not the log order.
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) => c.call('message.send', { roomId, text: `${prefix}${i}`, nonce: `${prefix}${i}` })),
    );
    return replies.map((r) => r.message).sort((x: any, y: any) => x.order - y.order);
  }

  for (const restart of [false, true]) {
    it(`replays exactly the 200 missed messages in order${restart ? ' across a server restart' : ''}`, async () => {
      let server = await setup();
      const dataDir = server.dataDir;
      const alice = await signup(server.url, 'alice');
      const bob = await signup(server.url, 'bob');
      let a = await connect(server.url, alice.accessToken);
      const { room } = await a.call('room.create', { name: 'lobby' });
      let b = await connect(server.url, bob.accessToken);
      await b.call('room.join', { roomId: room.id });
      await sendMany(a, room.id, 5, 'before');
      await until(() => b.events.filter((f) => f.event.type === 'message.created').length === 5, 'bob live');
      const last = expectChained(b, b.ready.head);
      await b.close();

      const sent = await sendMany(a, room.id, 200, 'missed');
      if (restart) {
        await server.close();
        server = await testServer({ dataDir });
        cleanups.push(() => server.close());
        a = await connect(server.url, alice.accessToken);
      }
      b = await connect(server.url, bob.accessToken, last);
      expect(b.ready.replaying).toBe(true);
      expect(b.ready.snapshotRequired).toBe(false);
      const replayed = b.replayed;
      const orders = replayed.map((e) => e.order);
      expect(new Set(orders).size).toBe(orders.length);
      expect(orders).toEqual([...orders].sort((x, y) => x - y));
      expect(replayed.filter((e) => e.type === 'message.created').map((e) => e.data.message.text)).toEqual(
        sent.map((m: any) => m.text),
      );
      const replays = b.frames.filter((f) => f.type === 'replay');
      expect(replays.at(-1)!.through).toBe(server.head());

      // Live continues exactly where the replay ended: no duplicate, no gap.
      const next = (await a.call('message.send', { roomId: room.id, text: 'live again', nonce: 'after' })).message;
      await until(() => b.events.some((f) => f.event.order === next.order), 'live after replay');
      expect(b.events[0]!.prev).toBe(replays.at(-1)!.through);
      expectChained(b, replays.at(-1)!.through);
    });
  }

  it('far behind → snapshotRequired; sync pages with through/more; history pages to end: true', async () => {
    const server = await setup({ snapshotThreshold: 50 });
    const alice = await signup(server.url, 'alice');
    const a = await connect(server.url, alice.accessToken);
    const { room } = await a.call('room.create', { name: 'lobby' });
    for (let i = 0; i < 6; i++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => a.call('message.send', { roomId: room.id, text: `m${i * 10 + j}`, nonce: `n${i * 10 + j}` })),
      );
    }
    const head = server.head();
    const b = await connect(server.url, alice.accessToken, 0);
    expect(b.ready.snapshotRequired).toBe(true);
    expect(b.ready.replaying).toBe(false);
    expect(b.frames.some((f) => f.type === 'replay')).toBe(false);

    const far = await b.call('sync', { after: 0 });
    expect(far).toMatchObject({ snapshotRequired: true, events: [] });
    const ahead = await b.call('sync', { after: head + 5 });
    expect(ahead.snapshotRequired).toBe(true);

    let after = head - 40;
    const got: number[] = [];
    for (let pages = 0; pages < 20; pages++) {
      const page = await b.call('sync', { after, limit: 7 });
      expect(page.snapshotRequired).toBe(false);
      got.push(...page.events.map((e: any) => e.order));
      expect(page.through).toBeGreaterThan(after);
      after = page.through;
      if (!page.more) break;
    }
    expect(after).toBe(head);
    expect(got).toEqual(Array.from({ length: 40 }, (_, i) => head - 39 + i));

    const texts: string[] = [];
    let before: number | undefined;
    let end = false;
    for (let pages = 0; pages < 20 && !end; pages++) {
      const page = await b.call('history', { roomId: room.id, limit: 7, ...(before === undefined ? {} : { before }) });
      texts.unshift(...page.messages.map((m: any) => m.text));
      before = page.messages[0]?.order;
      end = page.end;
    }
    expect(end).toBe(true);
    // Frames on one socket are handled in arrival order, so the log order is the send order.
    expect(texts).toEqual(Array.from({ length: 60 }, (_, i) => `m${i}`));
  });

  it('a send retried with the same nonce after a dropped connection is stored once', async () => {
    const server = await setup();
    const alice = await signup(server.url, 'alice');
    const a = await connect(server.url, alice.accessToken);
    const { room } = await a.call('room.create', { name: 'lobby' });
    const headBefore = server.head();
    // Send and drop the connection at once, before the reply can arrive.
    a.sendJson({ id: 'x1', type: 'message.send', roomId: room.id, text: 'only once', nonce: 'retry-me' });
    a.ws.terminate();
    await until(() => server.head() === headBefore + 1, 'first send committed');

    const a2 = await connect(server.url, alice.accessToken);
    const first = (await a2.call('message.send', { roomId: room.id, text: 'only once', nonce: 'retry-me' })).message;
    const again = (await a2.call('message.send', { roomId: room.id, text: 'only once', nonce: 'retry-me' })).message;
    expect(again.id).toBe(first.id);
    expect(again.order).toBe(first.order);
    expect(server.head()).toBe(headBefore + 1);
    const h = await a2.call('history', { roomId: room.id });
    expect(h.messages.filter((m: any) => m.text === 'only once')).toHaveLength(1);
    expect(h.end).toBe(true);
  });
});
