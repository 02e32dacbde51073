import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import { withOperatorServices } from '../src/app.js';
import { RawClient, signup, testServer } from './helpers.js';

/* Slowmode with an injected clock: accepted = one per interval per member, moderators exempt. */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('slowmode', () => {
  it('one message per interval per member, with the wait in retryAfterMs; moderators exempt; kept over a restart', async () => {
    let now = 1_700_000_000_000;
    const s = await testServer({ now: () => now });
    cleanups.push(() => fs.rmSync(s.dataDir, { recursive: true, force: true }));
    const owner = await signup(s.url, 'owner');
    const bob = await signup(s.url, 'bob');
    const carol = await signup(s.url, 'carol');
    await s.app.services.roles.grant(null, { userId: owner.user.id, roleId: 'owner' });
    const o = await RawClient.connect(s.url, owner.accessToken);
    const b = await RawClient.connect(s.url, bob.accessToken);
    const c = await RawClient.connect(s.url, carol.accessToken);
    const { room } = await o.call('room.create', { name: 'busy' });
    await b.call('room.join', { roomId: room.id });
    await c.call('room.join', { roomId: room.id });

    // Only moderators set it; a hidden or missing room answers alike.
    expect((await b.request('room.slowmode', { roomId: room.id, seconds: 10 })).error.code).toBe('FORBIDDEN');
    expect((await o.request('room.slowmode', { roomId: 'nope', seconds: 10 })).error).toEqual({ code: 'NOT_FOUND', message: 'room not found' });
    expect((await o.request('room.slowmode', { roomId: room.id, seconds: -1 })).error.code).toBe('BAD_REQUEST');
    const set = await o.call('room.slowmode', { roomId: room.id, seconds: 10 });
    expect(set.room.slowmodeSec).toBe(10);
    await c.waitFrame((f) => f.type === 'event' && f.event.type === 'room.updated' && f.event.data.room.slowmodeSec === 10, 'room.updated');

    const send = (cl: RawClient, n: string) => cl.request('message.send', { roomId: room.id, text: n, nonce: n });
    expect((await send(b, 'b1')).ok).toBe(true);
    now += 4000;
    const early = await send(b, 'b2');
    expect(early.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 6000 });
    expect(early.error.message).toMatch(/slowmode: one message every 10 s/);
    // Another member is not held up by bob.
    expect((await send(c, 'c1')).ok).toBe(true);
    // Nothing was stored for the refused send: the same nonce goes through once the wait is over.
    now += 6000;
    expect((await send(b, 'b2')).ok).toBe(true);
    // The owner (who may moderate messages) is exempt.
    expect((await send(o, 'o1')).ok).toBe(true);
    expect((await send(o, 'o2')).ok).toBe(true);
    const texts = (await b.call('history', { roomId: room.id })).messages.map((m: { text: string }) => m.text);
    expect(texts).toEqual(['b1', 'c1', 'b2', 'o1', 'o2']);

    for (const cl of [o, b, c]) await cl.close();
    await s.close();
    const again = await testServer({ dataDir: s.dataDir, now: () => now });
    cleanups.push(() => again.close());
    const b2 = await RawClient.connect(again.url, bob.accessToken);
    expect((await b2.call('state')).rooms.find((r: { id: string }) => r.id === room.id).slowmodeSec).toBe(10);
    expect((await b2.request('message.send', { roomId: room.id, text: 'b3', nonce: 'b3' })).error.code).toBe('RATE_LIMITED');
    const o2 = await RawClient.connect(again.url, owner.accessToken);
    expect((await o2.call('room.slowmode', { roomId: room.id, seconds: 0 })).room.slowmodeSec).toBeUndefined();
    expect((await b2.request('message.send', { roomId: room.id, text: 'b3', nonce: 'b3' })).ok).toBe(true);
    await b2.close();
    await o2.close();
  });

  it('is kept from the events: a change written by another process applies to the very next send, without a restart', async () => {
    let now = 1_700_000_000_000;
    // The poll for other processes' events never fires here: only the batch's own look at them can help.
    const s = await testServer({ now: () => now, foreignPollMs: 3_600_000 });
    cleanups.push(() => fs.rmSync(s.dataDir, { recursive: true, force: true }));
    cleanups.push(() => s.close());
    const owner = await signup(s.url, 'owner');
    const bob = await signup(s.url, 'bob');
    await s.app.services.roles.grant(null, { userId: owner.user.id, roleId: 'owner' });
    const o = await RawClient.connect(s.url, owner.accessToken);
    const b = await RawClient.connect(s.url, bob.accessToken);
    cleanups.push(() => o.close());
    cleanups.push(() => b.close());
    const { room } = await o.call('room.create', { name: 'ops' });
    await b.call('room.join', { roomId: room.id });
    const send = (n: string) => b.request('message.send', { roomId: room.id, text: n, nonce: n });
    // The operator's services on the same database file, as `od-server` commands run them.
    const operator = (seconds: number) =>
      withOperatorServices(SqliteStorage.open(s.dataDir), (svc) => svc.moderation.slowmode(owner.user.id, { roomId: room.id, seconds }));

    expect((await send('b1')).ok).toBe(true);
    await operator(30);
    // The server's next batch reads the foreign event before its steps run: no poll, no restart needed.
    expect((await send('b2')).error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    await operator(0);
    expect((await send('b2')).ok).toBe(true);
    // Set by a moderator here, it holds from the next send on.
    await o.call('room.slowmode', { roomId: room.id, seconds: 5 });
    expect((await send('b3')).error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 5000 });
    now += 5000;
    expect((await send('b3')).ok).toBe(true);
  });

  it('accepts one message per interval: trying every second for 35 s at 10 s gets 4 through (burst 1 + rate × time), others unaffected', async () => {
    let now = 1_700_000_000_000;
    const s = await testServer({ now: () => now, accessTokenTtlSec: 3600 });
    cleanups.push(() => fs.rmSync(s.dataDir, { recursive: true, force: true }));
    cleanups.push(() => s.close());
    const owner = await signup(s.url, 'owner');
    const bob = await signup(s.url, 'bob');
    const carol = await signup(s.url, 'carol');
    await s.app.services.roles.grant(null, { userId: owner.user.id, roleId: 'owner' });
    const o = await RawClient.connect(s.url, owner.accessToken);
    const b = await RawClient.connect(s.url, bob.accessToken);
    const c = await RawClient.connect(s.url, carol.accessToken);
    for (const cl of [o, b, c]) cleanups.push(() => cl.close());
    const { room } = await o.call('room.create', { name: 'slow' });
    await b.call('room.join', { roomId: room.id });
    await c.call('room.join', { roomId: room.id });
    await o.call('room.slowmode', { roomId: room.id, seconds: 10 });
    let n = 0;
    const send = (cl: RawClient) => cl.request('message.send', { roomId: room.id, text: `m${n}`, nonce: `n${n++}` });
    let bobs = 0;
    let carols = 0;
    for (let second = 0; second <= 35; second++) {
      for (let i = 0; i < 2; i++) if ((await send(b)).ok) bobs++;
      // Carol tries once at second 5, 15, 25, 35: her own interval, whatever bob does.
      if (second % 10 === 5 && (await send(c)).ok) carols++;
      now += 1000;
    }
    expect([bobs, carols]).toEqual([4, 4]);
  });
});
