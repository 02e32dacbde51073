import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '@open-discord/protocol';
import { type Services, writeRatesOf } from '../src/app.js';
import { FEATURES } from '../src/features/index.js';
import { DEFAULTS } from '../src/defaults.js';
import { WRITE_KIND, WRITE_KINDS, WriteLimits, writeKindOf, writeRates } from '../src/core/write-limits.js';
import { Dispatcher } from '../src/session/dispatcher.js';
import { Harness, makeOwner, member } from './community-support.js';

/*
 * Per-user token buckets for each kind of write, with an injected clock (nothing sleeps): what a bucket
 * accepts over time, that kinds and users do not share buckets, and that every connection of one user does.
 */

const h = new Harness();
afterEach(() => h.release());

/** Ask every `stepMs` for `ms`, starting full: how many were accepted. */
function acceptedOver(limits: WriteLimits, clock: { t: number }, user: string, kind: (typeof WRITE_KINDS)[number], ms: number, stepMs: number): number {
  let accepted = 0;
  const end = clock.t + ms;
  for (; clock.t <= end; clock.t += stepMs) {
    // Several attempts per instant: a client retrying at once gains nothing.
    for (let i = 0; i < 3; i++) if (limits.take(user, kind) === 0) accepted++;
  }
  return accepted;
}

describe('write buckets, by kind', () => {
  it('accept burst + rate × time (±1) for every kind, with its default rate', () => {
    for (const kind of WRITE_KINDS) {
      const rate = DEFAULTS.writeRates[kind]!;
      const clock = { t: 1_000_000 };
      const limits = new WriteLimits(DEFAULTS.writeRates, () => clock.t);
      const ms = 7300;
      const accepted = acceptedOver(limits, clock, 'u1', kind, ms, 37);
      const expected = rate.burst + (rate.perSec * ms) / 1000;
      expect(Math.abs(accepted - expected), `${kind}: ${accepted} accepted, expected ${expected}`).toBeLessThanOrEqual(1);
    }
  });

  it('answer the wait until the next token, and refill no further than the burst', () => {
    const clock = { t: 0 };
    const limits = new WriteLimits(writeRates({ reaction: { perSec: 4, burst: 3 } }), () => clock.t);
    for (let i = 0; i < 3; i++) expect(limits.take('u', 'reaction')).toBe(0);
    expect(limits.take('u', 'reaction')).toBe(250);
    clock.t += 249;
    expect(limits.take('u', 'reaction')).toBe(1);
    clock.t += 1;
    expect(limits.take('u', 'reaction')).toBe(0);
    // An hour idle gives back the burst, not 14 400 tokens.
    clock.t += 3_600_000;
    let n = 0;
    while (limits.take('u', 'reaction') === 0) n++;
    expect(n).toBe(3);
  });

  it('do not share tokens across kinds or users', () => {
    const clock = { t: 0 };
    const limits = new WriteLimits(DEFAULTS.writeRates, () => clock.t);
    while (limits.take('alice', 'reaction') === 0);
    expect(() => limits.spend('alice', 'reaction')).toThrow(/too many reactions; slow down/);
    // Every other kind of hers is untouched, and so is everyone else's reaction bucket.
    for (const kind of WRITE_KINDS) if (kind !== 'reaction') expect(limits.take('alice', kind), kind).toBe(0);
    expect(limits.take('bob', 'reaction')).toBe(0);
  });

  it('a kind set to null is unlimited; null for all turns every kind off; messageRate null alone means every write, as before kinds', () => {
    const clock = { t: 0 };
    const some = new WriteLimits(writeRates({ edit: null }), () => clock.t);
    for (let i = 0; i < 1000; i++) expect(some.take('u', 'edit')).toBe(0);
    let sent = 0;
    while (some.take('u', 'message') === 0) sent++;
    expect(sent).toBe(DEFAULTS.writeRates.message!.burst);
    expect(Object.values(writeRates(null)).every((r) => r === null)).toBe(true);
    expect(Object.values(writeRatesOf({ messageRate: null })).every((r) => r === null)).toBe(true);
    // With kinds given, messageRate null turns off messages only.
    const mixed = writeRatesOf({ messageRate: null, writeRates: { upload: { perSec: 1, burst: 1 } } });
    expect(mixed.message).toBeNull();
    expect(mixed.upload).toEqual({ perSec: 1, burst: 1 });
    expect(mixed.reaction).toEqual(DEFAULTS.writeRates.reaction);
    expect(writeRatesOf({ messageRate: { perSec: 3, burst: 4 } }).message).toEqual({ perSec: 3, burst: 4 });
  });

  it('every write the server registers has a bucket: its own kind, or `other` when no kind lists it', () => {
    const writes: string[] = [];
    const d = new Dispatcher(null);
    const original = d.register.bind(d);
    d.register = ((type, handler, opts) => {
      if (opts.write) writes.push(type);
      original(type, handler, opts);
    }) as Dispatcher['register'];
    // The features' own registration, as the server runs it (handlers only capture the services).
    for (const f of FEATURES) f.register?.(d, {} as Services);
    expect(writes.length).toBeGreaterThan(30);
    // The table names only real request types, and only writes (a read listed there would be a mistake).
    for (const type of Object.keys(WRITE_KIND)) {
      expect(REQUEST_TYPES, type).toContain(type);
      expect(writes, `${type} is registered as a write`).toContain(type);
    }
    for (const type of writes) expect(WRITE_KINDS).toContain(writeKindOf(type as never));
    expect([writeKindOf('message.send'), writeKindOf('message.delete'), writeKindOf('nick.set')]).toEqual(['message', 'edit', 'profile']);
  });
});

describe('write buckets over the wire', () => {
  it('refuse by kind with RATE_LIMITED and retryAfterMs; other kinds, other users and time go on; all of a user’s connections share them', async () => {
    const clock = { t: 1_700_000_000_000 };
    const server = await h.server({
      now: () => clock.t,
      messageRate: { perSec: 2, burst: 3 },
      writeRates: { reaction: { perSec: 1, burst: 4 }, markers: null },
    });
    const alice = await member(server.url, 'alice');
    const bob = await member(server.url, 'bob');
    await makeOwner(server, alice.id);
    const a1 = await h.connect(server.url, alice.token);
    const a2 = await h.connect(server.url, alice.token);
    const b = await h.connect(server.url, bob.token);
    // Joining and creating spend their own kinds, not messages.
    const { room } = await a1.call('room.create', { name: 'lobby' });
    await b.call('room.join', { roomId: room.id });
    let n = 0;
    const send = (c: typeof a1) => c.request('message.send', { roomId: room.id, text: `m${n}`, nonce: `n${n++}` });

    // The burst, spread over both of alice's connections, then a refusal on either.
    const first = [await send(a1), await send(a2), await send(a1)];
    expect(first.every((r) => r.ok)).toBe(true);
    const refused = await send(a2);
    expect(refused.error).toEqual({ code: 'RATE_LIMITED', message: 'too many messages; slow down', retryAfterMs: 500 });
    expect((await send(a1)).error.code).toBe('RATE_LIMITED');

    // Reactions have a bucket of their own (4), untouched by the messages.
    const target = first[0]!.result.message.id;
    const emoji = ['👍', '🎉', '❤️', '👀', '🚀'];
    const reacts: Array<Record<string, any>> = [];
    for (const e of emoji) reacts.push(await a2.request('reaction.add', { messageId: target, emoji: e }));
    expect(reacts.slice(0, 4).every((r) => r.ok)).toBe(true);
    expect(reacts[4]!.error).toMatchObject({ code: 'RATE_LIMITED', message: 'too many reactions; slow down', retryAfterMs: 1000 });
    // A kind turned off (markers) is never refused.
    for (let i = 0; i < 30; i++) expect((await a1.request('read.mark', { roomId: room.id, order: server.head() })).ok).toBe(true);

    // Bob is not held up by alice.
    for (let i = 0; i < 3; i++) expect((await send(b)).ok).toBe(true);

    // Time refills: accepted = burst + rate × time. Trying twice every 250 ms for 2.5 s at 2/s, from empty:
    // 5 more messages for alice, on whichever connection.
    let accepted = 0;
    for (let step = 0; step < 10; step++) {
      clock.t += 250;
      for (const c of [a1, a2]) if ((await send(c)).ok) accepted++;
    }
    expect(accepted).toBe(5);
    // A refused send wrote nothing: only the accepted ones are in the room.
    const texts = (await b.call('history', { roomId: room.id })).messages.length;
    expect(texts).toBe(3 + 3 + 5);
  });

  it('limit uploads by count (the upload kind) over HTTP, with 429 and Retry-After', async () => {
    const clock = { t: 1_700_000_000_000 };
    const server = await h.server({ now: () => clock.t, writeRates: { upload: { perSec: 0.5, burst: 2 } } });
    const a = await member(server.url, 'alice');
    const b = await member(server.url, 'bob');
    const post = (token: string, i: number) =>
      fetch(`${server.url}/api/files?name=f${i}.txt`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: `file number ${i}` });
    expect((await post(a.token, 1)).status).toBe(200);
    expect((await post(a.token, 2)).status).toBe(200);
    const third = await post(a.token, 3);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('2');
    expect(((await third.json()) as { error: unknown }).error).toEqual({ code: 'RATE_LIMITED', message: 'too many uploads; slow down', retryAfterMs: 2000 });
    expect((await post(b.token, 4)).status).toBe(200);
    clock.t += 2000;
    expect((await post(a.token, 5)).status).toBe(200);
  });
});
