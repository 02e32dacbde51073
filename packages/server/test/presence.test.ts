import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Frame, RawClient, signup, testServer, until } from './helpers.js';

/*
 * Presence from every connection of a user: online while any is active, away while all are idle or when
 * chosen, offline after the last leaves (after the grace period) or when the user appears offline — which
 * must never show them online to anyone, however they connect.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function server(over: Parameters<typeof testServer>[0] = {}) {
  const s = await testServer(over);
  cleanups.push(() => fs.rmSync(s.dataDir, { recursive: true, force: true }));
  cleanups.push(() => s.close());
  return s;
}
async function connect(url: string, token: string) {
  const c = await RawClient.connect(url, token);
  cleanups.push(() => c.close());
  return c;
}
const presenceOf = (c: RawClient, userId: string) => c.frames.filter((f) => f.type === 'presence' && f.userId === userId).map((f) => f.status as string);
/** Every frame sent before the reply to a later request has arrived (the server sends in order). */
const barrier = (c: RawClient) => c.call('state');

describe('presence', () => {
  it('follows every connection of a user: online, away when all are idle, offline when the last one leaves', async () => {
    const s = await server();
    const alice = await signup(s.url, 'alice');
    const bob = await signup(s.url, 'bob');
    const a = await connect(s.url, alice.accessToken);
    const b1 = await connect(s.url, bob.accessToken);
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id && f.status === 'online', 'bob online');
    expect(a.frames.find((f) => f.type === 'presence' && f.userId === bob.user.id)).toMatchObject({ online: true, status: 'online' });
    const b2 = await connect(s.url, bob.accessToken);
    b1.sendJson({ type: 'idle', idle: true });
    await barrier(b1);
    await barrier(a);
    // One terminal idle, the other active: still online, and nothing was announced.
    expect(presenceOf(a, bob.user.id)).toEqual(['online']);
    expect((await a.call('state')).users.find((u: any) => u.id === bob.user.id)).toMatchObject({ online: true, presence: 'online' });
    b2.sendJson({ type: 'idle', idle: true });
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id && f.status === 'away', 'bob away');
    expect((await a.call('state')).users.find((u: any) => u.id === bob.user.id)).toMatchObject({ online: true, presence: 'away' });
    b2.sendJson({ type: 'idle', idle: false });
    await until(() => presenceOf(a, bob.user.id).length === 3);
    expect(presenceOf(a, bob.user.id)).toEqual(['online', 'away', 'online']);
    await b1.close();
    await barrier(a);
    expect(presenceOf(a, bob.user.id)).toHaveLength(3);
    await b2.close();
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id && f.status === 'offline', 'bob offline');
    expect(presenceOf(a, bob.user.id)).toEqual(['online', 'away', 'online', 'offline']);
  });

  it('a client flipping its idle state as fast as it can is announced at most once a second, ending in its last state', async () => {
    const s = await server();
    const alice = await signup(s.url, 'alice');
    const bob = await signup(s.url, 'bob');
    const a = await connect(s.url, alice.accessToken);
    const b = await connect(s.url, bob.accessToken);
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id, 'bob online');
    for (let i = 0; i < 200; i++) b.sendJson({ type: 'idle', idle: i % 2 === 0 });
    b.sendJson({ type: 'idle', idle: true });
    // The last state asked for wins, once its window has passed: away.
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id && f.status === 'away', 'bob away');
    await until(() => presenceOf(a, bob.user.id).at(-1) === 'away');
    await barrier(b);
    await barrier(a);
    // online, then a change a second at most: not two hundred (a slow machine may spread them over a few).
    expect(presenceOf(a, bob.user.id).length).toBeLessThan(10);
  });

  it('a reconnect within the grace period does not flap; after it, the user is shown offline', async () => {
    const s = await server({ presenceGraceMs: 60_000 });
    const alice = await signup(s.url, 'alice');
    const bob = await signup(s.url, 'bob');
    const a = await connect(s.url, alice.accessToken);
    const b = await connect(s.url, bob.accessToken);
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id, 'bob online');
    await b.close();
    await barrier(a);
    const again = await connect(s.url, bob.accessToken);
    await barrier(again);
    await barrier(a);
    expect(presenceOf(a, bob.user.id)).toEqual(['online']);
    expect((await a.call('state')).users.find((u: any) => u.id === bob.user.id).presence).toBe('online');

    const quick = await server({ presenceGraceMs: 50 });
    const carol = await signup(quick.url, 'carol');
    const dave = await signup(quick.url, 'dave');
    const c = await connect(quick.url, carol.accessToken);
    const d = await connect(quick.url, dave.accessToken);
    await c.waitFrame((f) => f.type === 'presence' && f.userId === dave.user.id, 'dave online');
    await d.close();
    await c.waitFrame((f) => f.type === 'presence' && f.userId === dave.user.id && f.status === 'offline', 'dave offline after the grace');
  });

  it('a connection that goes live is told who is present now (presence.all), not what it missed', async () => {
    const s = await server();
    const alice = await signup(s.url, 'alice');
    const bob = await signup(s.url, 'bob');
    const carol = await signup(s.url, 'carol');
    const b = await connect(s.url, bob.accessToken);
    const c = await connect(s.url, carol.accessToken);
    c.sendJson({ type: 'idle', idle: true });
    await barrier(c);
    const a = await connect(s.url, alice.accessToken);
    const all = await a.waitFrame((f) => f.type === 'presence.all', 'presence.all');
    const byId = Object.fromEntries(all.users.map((u: Frame) => [u.userId, u.status]));
    expect(byId).toEqual({ [alice.user.id]: 'online', [bob.user.id]: 'online', [carol.user.id]: 'away' });
    void b;
  });

  it('appear offline: nobody ever sees the user online, on any connection, after a restart too', async () => {
    const s = await server();
    const alice = await signup(s.url, 'alice');
    const bob = await signup(s.url, 'bob');
    const a = await connect(s.url, alice.accessToken);
    const b = await connect(s.url, bob.accessToken);
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id, 'bob online');
    const b2 = await connect(s.url, bob.accessToken);
    expect(await b.call('presence.set', { mode: 'invisible' })).toEqual({ mode: 'invisible' });
    await a.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id && f.status === 'offline', 'bob offline');
    // Every device of bob's learns the mode (a private event), and state shows it to him only.
    await b2.waitFrame((f) => f.type === 'event' && f.event.type === 'presence.mode' && f.event.data.mode === 'invisible', 'mode on b2');
    expect((await b2.call('state')).me.presenceMode).toBe('invisible');
    expect(a.events.some((f) => f.event.type === 'presence.mode')).toBe(false);
    // New connections, idle changes, a connection closing: still offline for everyone.
    const b3 = await connect(s.url, bob.accessToken);
    b3.sendJson({ type: 'idle', idle: true });
    b3.sendJson({ type: 'idle', idle: false });
    await b2.close();
    await barrier(b3);
    await barrier(a);
    expect(presenceOf(a, bob.user.id)).toEqual(['online', 'offline']);
    expect((await a.call('state')).users.find((u: any) => u.id === bob.user.id)).toMatchObject({ online: false, presence: 'offline' });
    const late = await connect(s.url, alice.accessToken);
    const all = await late.waitFrame((f) => f.type === 'presence.all', 'presence.all');
    expect(all.users.map((u: Frame) => u.userId)).not.toContain(bob.user.id);
    await b.close();
    await b3.close();
    await a.close();
    await late.close();

    // The choice is kept with the account.
    await s.close();
    const again = await testServer({ dataDir: s.dataDir });
    cleanups.push(() => again.close());
    const a2 = await connect(again.url, alice.accessToken);
    const b4 = await connect(again.url, bob.accessToken);
    await barrier(b4);
    await barrier(a2);
    expect(presenceOf(a2, bob.user.id)).toEqual([]);
    expect((await a2.call('state')).users.find((u: any) => u.id === bob.user.id).presence).toBe('offline');
    // Back to automatic: shown online at once.
    await b4.call('presence.set', { mode: 'auto' });
    await a2.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id && f.status === 'online', 'bob online again');
    await b4.call('presence.set', { mode: 'away' });
    await a2.waitFrame((f) => f.type === 'presence' && f.userId === bob.user.id && f.status === 'away', 'bob away by choice');
  });

  it('a status text reaches everyone as a profile change and can be cleared; bad input is refused', async () => {
    const s = await server();
    const alice = await signup(s.url, 'alice');
    const bob = await signup(s.url, 'bob');
    const a = await connect(s.url, alice.accessToken);
    const b = await connect(s.url, bob.accessToken);
    const { user } = await b.call('status.set', { text: '  lunch, back at 2  ' });
    expect(user.statusText).toBe('lunch, back at 2');
    await a.waitFrame((f) => f.type === 'event' && f.event.type === 'user.updated' && f.event.data.user.statusText === 'lunch, back at 2', 'status text');
    expect((await a.call('state')).users.find((u: any) => u.id === bob.user.id).statusText).toBe('lunch, back at 2');
    const tooLong = await b.request('status.set', { text: 'x'.repeat(129) });
    expect(tooLong.error.code).toBe('BAD_REQUEST');
    const control = await b.request('status.set', { text: 'hi\u001b[31m' });
    expect(control.error.code).toBe('BAD_REQUEST');
    const badMode = await b.request('presence.set', { mode: 'busy' });
    expect(badMode.error.code).toBe('BAD_REQUEST');
    b.sendJson({ type: 'idle', idle: 'yes' });
    expect((await b.call('status.set', { text: null })).user.statusText).toBeUndefined();
    expect((await a.call('state')).users.find((u: any) => u.id === bob.user.id).statusText).toBeUndefined();
  });
});
