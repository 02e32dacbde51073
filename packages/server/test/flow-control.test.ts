/**
 * Regression tests: page and frame sizes against the send-buffer cap, read cost limits, typing relay.
 * Each test fails on the code before its fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/core/rate-limit.js';
import { SYNC_PAGE_BYTES } from '../src/features/sync/sync.js';
import { Dispatcher, READ_COST } from '../src/session/dispatcher.js';
import { MAX_READS_IN_FLIGHT } from '../src/session/session.js';
import { TYPING_RELAY_MIN_MS } from '../src/features/typing/throttle.js';
import { Harness, member } from './community-support.js';
import { RawClient, until } from './helpers.js';

const h = new Harness();
afterEach(() => h.release());

describe('large pages and replies are not mistaken for a slow reader', () => {
  const text = '€'.repeat(4000); // 4000 characters, 12 000 bytes of UTF-8
  const frameBytes = (f: unknown) => Buffer.byteLength(JSON.stringify(f));

  async function roomWithLongMessages(server: { url: string }, n: number) {
    const alice = await member(server.url, 'alice4');
    const a = await h.connect(server.url, alice.token);
    const { room } = await a.call('room.create', { name: 'big' });
    const start = a.ready.head;
    for (let i = 0; i < n; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => a.call('message.send', { roomId: room.id, text, nonce: `n${i + j}` })));
    }
    return { room, start };
  }

  it('a resume over 1000 long messages arrives in byte-bounded pages, and the reader is never closed', async () => {
    // A small cap: the old count-only pages (several MB) overflowed it with their first frame.
    const server = await h.server({ messageRate: null, readRate: null, sendBufferCap: 256 * 1024 });
    const { room, start } = await roomWithLongMessages(server, 1000);
    const bob = await member(server.url, 'bob4');
    // Bob is in the room (its messages reach members only), so the resume replays all 1000 to him.
    await server.app.services.membership.join(bob.id, room.id);
    const c = await RawClient.open(server.url);
    // Not reading for a moment, as a client on a slower link would not.
    c.ws.pause();
    c.sendJson({ type: 'auth', token: bob.token, resumeAfter: start });
    await new Promise((r) => setTimeout(r, 200));
    c.ws.resume();
    await until(() => c.closeCode !== null || c.frames.some((f) => f.type === 'replay' && !f.more), 'the end of the replay', 30_000);
    expect(c.closeCode).toBeNull();
    const pages = c.frames.filter((f) => f.type === 'replay');
    expect(pages.length).toBeGreaterThan(10);
    for (const p of pages) expect(frameBytes(p)).toBeLessThan(SYNC_PAGE_BYTES + 64 * 1024);
    const created = c.replayed.filter((e) => e.type === 'message.created');
    expect(created).toHaveLength(1000);
    expect(new Set(created.map((e) => e.order)).size).toBe(1000);
    // Pages tile the log: each starts where the previous one's `through` ended.
    let accounted = start;
    for (const p of pages) {
      for (const e of p.events) expect(e.order).toBeGreaterThan(accounted);
      accounted = p.through;
    }
    expect(accounted).toBe(server.head());

    // The same range by `sync` requests: bounded pages that page on to head.
    let after = start;
    let messages = 0;
    for (let i = 0; i < 1000 && after < server.head(); i++) {
      const r = await c.request('sync', { after });
      expect(r.ok).toBe(true);
      expect(frameBytes(r)).toBeLessThan(SYNC_PAGE_BYTES + 64 * 1024);
      messages += r.result.events.filter((e: any) => e.type === 'message.created').length;
      after = r.result.through;
    }
    expect(messages).toBe(1000);
    await c.close();
  });
});

describe('reads have a cost limit', () => {
  it('a burst of reads on one connection is answered RATE_LIMITED beyond the in-flight cap, without the work', async () => {
    const server = await h.server({ messageRate: null, readRate: null }); // the cap alone
    const alice = await member(server.url, 'alice6');
    const a = await h.connect(server.url, alice.token);
    const { room } = await a.call('room.create', { name: 'r' });
    for (let i = 0; i < 200; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => a.call('message.send', { roomId: room.id, text: 'hello world', nonce: `n${i + j}` })));
    }
    const c = await h.connect(server.url, alice.token);
    // 900 full syncs in one write: they arrive together, as a flood would.
    const socket = (c.ws as unknown as { _socket: import('node:net').Socket })._socket;
    socket.cork();
    for (let i = 0; i < 900; i++) c.sendJson({ id: `s${i}`, type: 'sync', after: 0 });
    socket.uncork();
    await until(() => c.frames.filter((f) => f.type === 'reply').length >= 900 || c.closeCode !== null, 'every reply', 30_000);
    expect(c.closeCode).toBeNull();
    const replies = c.frames.filter((f) => f.type === 'reply');
    const served = replies.filter((r) => r.ok);
    const refusedNow = replies.filter((r) => !r.ok);
    for (const r of refusedNow) expect(r.error).toEqual({ code: 'RATE_LIMITED', message: 'too many requests at once; wait for the replies' });
    expect(served.length).toBeGreaterThanOrEqual(MAX_READS_IN_FLIGHT);
    expect(served.length).toBeLessThan(300);
    // Once the replies are in, the connection is served again.
    expect((await c.request('sync', { after: 0 })).ok).toBe(true);
  });

  it('a server limits a flood of full syncs by its read bucket, per user; readRate null turns it off', async () => {
    let t = Date.now();
    const server = await h.server({ now: () => t });
    const alice = await member(server.url, 'alice9');
    const bob = await member(server.url, 'bob9');
    const a = await h.connect(server.url, alice.token);
    const b = await h.connect(server.url, bob.token);
    // Default bucket: 1000 cost units, sync costs 20 → 50 syncs, then RATE_LIMITED with a retry time.
    const answers: any[] = [];
    for (let i = 0; i < 51; i++) answers.push(await a.request('sync', { after: 0 }));
    expect(answers.slice(0, 50).every((r) => r.ok)).toBe(true);
    expect(answers[50].error).toMatchObject({ code: 'RATE_LIMITED', message: 'too many reads; slow down' });
    expect(answers[50].error.retryAfterMs).toBeGreaterThan(0);
    // Someone else is not affected; alice is served again once the bucket refills.
    expect((await b.request('sync', { after: 0 })).ok).toBe(true);
    t += answers[50].error.retryAfterMs;
    expect((await a.request('sync', { after: 0 })).ok).toBe(true);

    const open = await h.server({ readRate: null });
    const carol = await member(open.url, 'carol9');
    const c = await h.connect(open.url, carol.token);
    for (let i = 0; i < 150; i++) expect((await c.request('sync', { after: 0 })).ok).toBe(true);
  });

  it('the read bucket is spent by cost: sync and state 20, history 5, other reads 1; writes not at all', async () => {
    let now = 0;
    const d = new Dispatcher(null, new RateLimiter(10, 100, () => now));
    // Every read the protocol has today is priced; 'room.open' stands in for a future cheap read.
    for (const type of ['sync', 'state', 'history', 'room.open'] as const) d.register(type, () => 'ok' as never, { write: false });
    d.register('message.send', () => 'sent' as never, { write: true });
    const ctx = { userId: 'u1' };
    expect([READ_COST.sync, READ_COST.state, READ_COST.history]).toEqual([20, 20, 5]);
    for (let i = 0; i < 4; i++) await d.dispatch(ctx, 'sync', {} as never); // 80
    await d.dispatch(ctx, 'history', {} as never); // 85
    for (let i = 0; i < 15; i++) await d.dispatch(ctx, 'room.open', {} as never); // 100
    for (let i = 0; i < 5; i++) expect(await d.dispatch(ctx, 'message.send', {} as never)).toBe('sent');
    const err = await d.dispatch(ctx, 'room.open', {} as never).catch((e) => e);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 100 });
    // Another user has their own bucket.
    expect(await d.dispatch({ userId: 'u2' }, 'state', {} as never)).toBe('ok');
    now += 2000; // 20 tokens back: one more sync, not two
    expect(await d.dispatch(ctx, 'sync', {} as never)).toBe('ok');
    expect(await d.dispatch(ctx, 'sync', {} as never).catch((e) => e.code)).toBe('RATE_LIMITED');
  });
});

describe('typing relay throttle', () => {
  it('relays at most one typing notice per user and room per window; a sent message re-opens it', async () => {
    let t = Date.now();
    const server = await h.server({ now: () => t });
    const alice = await member(server.url, 'alice7');
    const bob = await member(server.url, 'bob7');
    const a = await h.connect(server.url, alice.token);
    const a2 = await h.connect(server.url, alice.token); // her second connection shares the window
    const b = await h.connect(server.url, bob.token);
    const { room } = await a.call('room.create', { name: 'chat' });
    const { room: other } = await a.call('room.create', { name: 'elsewhere' });
    // Typing and messages reach the room's members: bob is in both rooms.
    await b.call('room.join', { roomId: room.id });
    await b.call('room.join', { roomId: other.id });
    let marks = 0;
    /** Everything relayed to bob before this point has arrived once the marker message has. */
    const settle = async () => {
      const text = `mark ${++marks}`;
      await a.call('message.send', { roomId: other.id, text, nonce: text });
      await b.waitFrame((f) => f.type === 'event' && f.event.data?.message?.text === text, text);
    };
    const seen = () => b.frames.filter((f) => f.type === 'typing' && f.roomId === room.id && f.userId === alice.id).length;

    for (let i = 0; i < 20; i++) (i % 2 ? a2 : a).sendJson({ type: 'typing', roomId: room.id });
    await settle();
    expect(seen()).toBe(1);

    t += TYPING_RELAY_MIN_MS - 1;
    a.sendJson({ type: 'typing', roomId: room.id });
    await settle();
    expect(seen()).toBe(1);

    t += 1;
    a.sendJson({ type: 'typing', roomId: room.id });
    a.sendJson({ type: 'typing', roomId: room.id });
    await settle();
    expect(seen()).toBe(2);

    // Her message in the room ends the indicator; typing the next one is relayed at once.
    await a.call('message.send', { roomId: room.id, text: 'done', nonce: 'done' });
    a.sendJson({ type: 'typing', roomId: room.id });
    await settle();
    expect(seen()).toBe(3);
  });
});
