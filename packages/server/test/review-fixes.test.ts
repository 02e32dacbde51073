/**
 * Regression tests for defects a security review found: each fails on the code before its fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { internalsOf } from '../src/internals.js';
import { createInvite, createResetCode } from '../src/services/auth.js';
import { Harness, makeOwner, member, refused } from './community-support.js';
import { RateLimiter } from '../src/services/rate-limit.js';
import { SYNC_PAGE_BYTES } from '../src/services/sync.js';
import { Dispatcher, READ_COST } from '../src/session/dispatcher.js';
import { MAX_READS_IN_FLIGHT } from '../src/session/session.js';
import { TYPING_RELAY_MIN_MS } from '../src/session/typing-relay.js';
import { post, RawClient, signup, until } from './helpers.js';

const h = new Harness();
afterEach(() => h.release());

const shape = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)))
    : Array.isArray(v)
      ? 'array'
      : typeof v;

describe('room names of hidden rooms do not leak', () => {
  it('creating a room named like a hidden one answers exactly like a free name', async () => {
    const server = await h.server();
    const owner = await member(server.url, 'owner1');
    await makeOwner(server, owner.id);
    const bob = await member(server.url, 'bob1');
    const o = await h.connect(server.url, owner.token);
    const { role } = await o.call('role.create', { name: 'staff' });
    const { room: secret } = await o.call('room.create', { name: 'layoffs-2025' });
    await o.call('room.restrict', { roomId: secret.id, roleIds: [role.id] });
    const { room: minutes } = await o.call('room.create', { name: 'board-minutes' });
    await o.call('room.restrict', { roomId: minutes.id, roleIds: [role.id] });

    // Bob manages rooms (so he may rename them) but does not hold the role that sees the secret ones.
    const { role: mods } = await o.call('role.create', { name: 'mods' });
    await o.call('role.update', { roleId: mods.id, add: ['manage_rooms'] });
    await o.call('role.grant', { userId: bob.id, roleId: mods.id });
    const b = await h.connect(server.url, bob.token);
    expect((await b.call('state')).rooms.map((r: any) => r.name)).not.toContain('layoffs-2025');
    const hidden = await b.request('room.create', { name: 'Layoffs-2025' });
    const free = await b.request('room.create', { name: 'nothing-here' });
    expect(hidden.ok).toBe(true);
    expect(shape(hidden)).toEqual(shape(free));
    // Renaming onto a hidden room's name works the same way.
    const renamed = await b.request('room.update', { roomId: free.result.room.id, name: 'board-minutes' });
    expect(renamed.ok).toBe(true);
  });

  it('two rooms visible to the same user still cannot share a name', async () => {
    const server = await h.server();
    const bob = await member(server.url, 'bob2');
    const b = await h.connect(server.url, bob.token);
    await b.call('room.create', { name: 'general' });
    const { room: other } = await b.call('room.create', { name: 'other' });
    expect((await refused(b, 'room.create', { name: 'GENERAL' })).code).toBe('CONFLICT');
    const owner = await member(server.url, 'owner2');
    await makeOwner(server, owner.id);
    const o = await h.connect(server.url, owner.token);
    expect((await refused(o, 'room.update', { roomId: other.id, name: 'General' })).code).toBe('CONFLICT');
    // Renaming a room to its own name in another case is not a clash with itself.
    expect((await o.call('room.update', { roomId: other.id, name: 'OTHER' })).room.name).toBe('OTHER');
  });
});

/**
 * Hold every password comparison of this server after it has computed its answer, until released: the
 * window in which a slow bcrypt compare races other writes, made deterministic.
 */
function holdPasswordChecks(server: object) {
  const hasher = (internalsOf(server).services.auth as unknown as { passwords: { verify: (p: string, h: string) => Promise<boolean> } }).passwords;
  const verify = hasher.verify.bind(hasher);
  let waiting = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  hasher.verify = async (password, hash) => {
    const ok = await verify(password, hash);
    waiting++;
    await gate;
    return ok;
  };
  return { waiting: () => waiting, release };
}

describe('a login racing a password reset or logout-all', () => {
  it('a login verified against the old password before a reset commits gets no session', async () => {
    const server = await h.server();
    await signup(server.url, 'victim');
    const held = holdPasswordChecks(server);
    const login = post(server.url, '/api/login', { username: 'victim', password: 'correct horse' });
    await until(() => held.waiting() === 1, 'the login to check the password');
    const code = createResetCode(internalsOf(server).services.deps, 'victim');
    const reset = await post(server.url, '/api/reset-password', { username: 'victim', code, password: 'new password 123' });
    expect(reset.status).toBe(200);
    held.release();
    const late = await login;
    expect(late.status).toBe(401);
    expect(late.body.error).toEqual({ code: 'UNAUTHORIZED', message: 'invalid username or password' });
    expect((await post(server.url, '/api/login', { username: 'victim', password: 'new password 123' })).status).toBe(200);
  });

  it('a login verified before a logout-all commits gets no session', async () => {
    const server = await h.server();
    const pair = await signup(server.url, 'victim');
    const held = holdPasswordChecks(server);
    const login = post(server.url, '/api/login', { username: 'victim', password: 'correct horse' });
    await until(() => held.waiting() === 1, 'the login to check the password');
    expect((await post(server.url, '/api/logout-all', {}, { authorization: `Bearer ${pair.accessToken}` })).status).toBe(200);
    held.release();
    expect((await login).status).toBe(401);
  });

  it('a kicked member rejoining with the old password while it is reset does not get the account back', async () => {
    const server = await h.server();
    const owner = await member(server.url, 'owner3');
    await makeOwner(server, owner.id);
    const pete = await signup(server.url, 'pete');
    const o = await h.connect(server.url, owner.token);
    await o.call('member.kick', { userId: pete.user.id });
    const { store } = internalsOf(server);
    const held = holdPasswordChecks(server);
    const rejoin = post(server.url, '/api/signup', { username: 'pete', password: 'correct horse', invite: createInvite({ store, now: Date.now }) });
    await until(() => held.waiting() === 1, 'the rejoin to check the password');
    const code = createResetCode(internalsOf(server).services.deps, 'pete');
    expect((await post(server.url, '/api/reset-password', { username: 'pete', code, password: 'new password 123' })).status).toBe(200);
    held.release();
    const late = await rejoin;
    expect(late.status).toBe(409);
    expect(store.users.byId(pete.user.id)!.removed).toBe(true);
  });
});

/** Count the password hashes this server computes from now on. */
function countHashes(server: object): () => number {
  const hasher = (internalsOf(server).services.auth as unknown as { passwords: { hash: (p: string) => Promise<string> } }).passwords;
  const hash = hasher.hash.bind(hasher);
  let n = 0;
  hasher.hash = (password) => {
    n++;
    return hash(password);
  };
  return () => n;
}

describe('auth limits: no lockout by others, cheap refusals first', () => {
  // Buckets that practically never refill during the test: the per-username one holds 10 attempts.
  const authRate = { perSec: 0.001, burst: 50 };

  it('successful logins never spend the per-username bucket; failed ones do', async () => {
    const server = await h.server({ authRate });
    await signup(server.url, 'victim');
    for (let i = 0; i < 15; i++) {
      expect((await post(server.url, '/api/login', { username: 'victim', password: 'correct horse' })).status).toBe(200);
    }
    // Wrong passwords do count, so guessing one account stays slow.
    for (let i = 0; i < 10; i++) {
      expect((await post(server.url, '/api/login', { username: 'victim', password: 'wrong guess' })).status).toBe(401);
    }
    const limited = await post(server.url, '/api/login', { username: 'victim', password: 'wrong guess' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });

  it('closed registration and bad invites are refused before any password is hashed', async () => {
    const closed = await h.server({ registration: 'closed' });
    await signup(closed.url, 'first', { invite: closed.firstRunInvite }); // the owner invite still works once
    const hashes = countHashes(closed);
    const refusedClosed = await post(closed.url, '/api/signup', { username: 'eve', password: 'correct horse' });
    expect(refusedClosed.body.error).toEqual({ code: 'FORBIDDEN', message: 'registration is closed' });
    const { store } = internalsOf(closed);
    const withInvite = await post(closed.url, '/api/signup', { username: 'eve', password: 'correct horse', invite: createInvite({ store, now: Date.now }) });
    expect(withInvite.body.error).toEqual({ code: 'FORBIDDEN', message: 'registration is closed' });
    expect(hashes()).toBe(0);

    const invite = await h.server({ registration: 'invite' });
    const hashes2 = countHashes(invite);
    expect((await post(invite.url, '/api/signup', { username: 'eve', password: 'correct horse' })).status).toBe(403);
    expect((await post(invite.url, '/api/signup', { username: 'eve', password: 'correct horse', invite: 'NOT-A-CODE' })).status).toBe(403);
    expect(hashes2()).toBe(0);
  });

  it('a wrong reset code is refused before the new password is hashed', async () => {
    const server = await h.server();
    await signup(server.url, 'victim');
    const hashes = countHashes(server);
    const bad = await post(server.url, '/api/reset-password', { username: 'victim', code: 'WRONGCODE1', password: 'new password 123' });
    expect(bad.status).toBe(401);
    expect(hashes()).toBe(0);
    const code = createResetCode(internalsOf(server).services.deps, 'victim');
    expect((await post(server.url, '/api/reset-password', { username: 'victim', code, password: 'new password 123' })).status).toBe(200);
    expect(hashes()).toBe(1);
  });
});

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
    const server = await h.server({ messageRate: null, sendBufferCap: 256 * 1024 });
    const { start } = await roomWithLongMessages(server, 1000);
    const bob = await member(server.url, 'bob4');
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
    const server = await h.server({ messageRate: null });
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

  it('the read bucket is spent by cost: sync and state 20, history 5, other reads 1; writes not at all', async () => {
    let now = 0;
    const d = new Dispatcher(null, new RateLimiter(10, 100, () => now));
    // Every read the protocol has today is priced; 'room.open' stands in for a future cheap read.
    for (const type of ['sync', 'state', 'history', 'room.open'] as const) d.register(type, () => 'ok', { write: false });
    d.register('message.send', () => 'sent', { write: true });
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

describe('room positions do not reveal hidden rooms', () => {
  async function world() {
    const server = await h.server();
    const owner = await member(server.url, 'owner8');
    await makeOwner(server, owner.id);
    const pleb = await member(server.url, 'pete8');
    const o = await h.connect(server.url, owner.token);
    const p = await h.connect(server.url, pleb.token);
    const { category } = await o.call('category.create', { name: 'Talk' });
    const { role } = await o.call('role.create', { name: 'staff' });
    const rooms: Record<string, any> = {};
    for (const name of ['alpha', 'beta', 'secret']) {
      rooms[name] = (await o.call('room.create', { name, categoryId: category.id })).room;
    }
    await o.call('room.restrict', { roomId: rooms.secret.id, roleIds: [role.id] });
    const { room: lobby } = await o.call('room.create', { name: 'lobby' });
    let marks = 0;
    /** Everything the owner's writes sent to pete has arrived once the marker message has. */
    const settle = async () => {
      const text = `mark ${++marks}`;
      await o.call('message.send', { roomId: lobby.id, text, nonce: text });
      await p.waitFrame((f) => f.type === 'event' && f.event.data?.message?.text === text, text);
    };
    return { server, o, p, category, rooms, settle };
  }

  it('moving a hidden room changes no position a member can see', async () => {
    const { o, p, category, rooms, settle } = await world();
    await settle();
    const places = async () => Object.fromEntries((await p.call('state')).rooms.map((r: any) => [r.name, r.position]));
    const seenBefore = await places();
    const eventsBefore = p.events.length;
    for (const position of [0, 1, 0, 2, 1]) await o.call('room.move', { roomId: rooms.secret.id, categoryId: category.id, position });
    await o.call('room.move', { roomId: rooms.secret.id, categoryId: null });
    await o.call('room.move', { roomId: rooms.secret.id, categoryId: category.id, position: 0 });
    await settle();
    const roomEvents = p.events.slice(eventsBefore).filter((f) => f.event.type.startsWith('room.'));
    expect(roomEvents).toEqual([]);
    expect(await places()).toEqual(seenBefore);
  });

  it("a member's new room goes after the rooms they can see, whatever is hidden after them", async () => {
    const { o, p, category, rooms } = await world();
    // The hidden room is last in the category; pete's new room must not be placed after it.
    const { room: secret } = await o.call('room.move', { roomId: rooms.secret.id, categoryId: category.id });
    const { rooms: seen } = await p.call('state');
    const lastSeen = Math.max(...seen.filter((r: any) => r.categoryId === category.id).map((r: any) => r.position));
    expect(secret.position).toBeGreaterThan(lastSeen);
    const { room } = await p.call('room.create', { name: 'gamma', categoryId: category.id });
    expect(room.position).toBe(lastSeen + 1024);
  });

  it('any sequence of moves gives the order a list insert would, respacing when a gap runs out', async () => {
    const { o, category, rooms } = await world();
    const names = ['alpha', 'beta', 'secret'];
    for (const name of ['d', 'e']) {
      rooms[name] = (await o.call('room.create', { name, categoryId: category.id })).room;
      names.push(name);
    }
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    let respaced = 0;
    // First always the last room into the second slot: that halves the same gap until it runs out (after
    // about ten moves) and the category is respaced; then random moves.
    for (let i = 0; i < 40; i++) {
      const name = names[i >= 12 ? rand(names.length) : names.length - 1]!;
      const index = i >= 12 ? rand(names.length) : 1;
      names.splice(names.indexOf(name), 1);
      names.splice(Math.min(index, names.length), 0, name);
      const head = o.events.length;
      await o.call('room.move', { roomId: rooms[name].id, categoryId: category.id, position: index });
      // Events are published before the reply is sent, on the same socket: they are all in by now.
      if (o.events.slice(head).some((f) => f.event.type === 'room.updated' && f.event.data.room.id !== rooms[name].id)) respaced++;
      const { rooms: now } = await o.call('state');
      const order = now
        .filter((r: any) => r.categoryId === category.id)
        .sort((a: any, b: any) => a.position - b.position || (a.id < b.id ? -1 : 1))
        .map((r: any) => r.name);
      expect(order, `after move ${i}`).toEqual(names);
    }
    expect(respaced).toBeGreaterThan(0);
  });
});
