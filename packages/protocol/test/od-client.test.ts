import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OdClient, ProtocolError, wsUrl } from '@open-discord/protocol';
import { goLive, makeClient, tokens, type Harness } from './helpers/client-setup.js';
import { event, message, msgEvent, state } from './helpers/fixtures.js';
import { nextEmit, ScriptedServer } from './helpers/scripted-server.js';

let server: ScriptedServer;
let h: Harness;

beforeEach(async () => {
  server = await ScriptedServer.start();
  h = makeClient(server);
});
afterEach(async () => {
  h.client.close();
  await server.close();
});

const orders = () => h.events.map((e) => e.order);

describe('OdClient: connect and auth', () => {
  it('authenticates, loads the initial snapshot and goes live', async () => {
    const connected = h.client.connect();
    const conn = await server.nextConnection();
    const auth = await conn.next('auth');
    expect(auth).toEqual({ type: 'auth', token: 'token', protocol: 1 });
    conn.ready({ head: 10 });
    const stateReq = await conn.next('state');
    conn.reply(stateReq, state({ head: 12 }));
    await connected;
    expect(h.client.status).toEqual({ state: 'live' });
    expect(h.snapshots.map(([s, r]) => [s.head, r])).toEqual([[12, 'initial']]);
    expect(h.client.lastOrder).toBe(12);
    expect(h.client.me?.username).toBe('alice');
    expect(h.statuses.map((s) => s.state)).toEqual(['connecting', 'authenticating', 'resyncing', 'live']);
  });

  it('resumes with resumeAfter when constructed with lastOrder, without a snapshot', async () => {
    h = makeClient(server, { lastOrder: 7 });
    const connected = h.client.connect();
    const conn = await server.nextConnection();
    expect(await conn.next('auth')).toMatchObject({ resumeAfter: 7 });
    conn.ready({ head: 9, replaying: true });
    conn.send({ type: 'replay', events: [msgEvent(8)], through: 8, more: true });
    conn.send({ type: 'replay', events: [msgEvent(9)], through: 9, more: false });
    await connected;
    expect(orders()).toEqual([8, 9]);
    expect(h.snapshots).toEqual([]);
    expect(h.statuses).toContainEqual({ state: 'resyncing', through: 8, head: 9 });
  });

  it('loads a snapshot when the server says the gap is too large', async () => {
    h = makeClient(server, { lastOrder: 3 });
    const connected = h.client.connect();
    const conn = await server.nextConnection();
    await conn.next('auth');
    conn.ready({ head: 50_000, snapshotRequired: true });
    conn.reply(await conn.next('state'), state({ head: 50_001 }));
    await connected;
    expect(h.snapshots.map(([s, r]) => [s.head, r])).toEqual([[50_001, 'gap-too-large']]);
    expect(h.client.lastOrder).toBe(50_001);
    // Live frames already covered by the snapshot are skipped.
    conn.event(50_000, msgEvent(50_001));
    conn.event(50_001, msgEvent(50_002));
    await nextEmit(h.client, 'event');
    expect(orders()).toEqual([50_002]);
  });

  it("starts over from a snapshot when the server's log is behind the client (restored backup)", async () => {
    h = makeClient(server, { lastOrder: 500 });
    const connected = h.client.connect();
    const conn = await server.nextConnection();
    expect(await conn.next('auth')).toMatchObject({ resumeAfter: 500 });
    conn.ready({ head: 40 });
    conn.reply(await conn.next('state'), state({ head: 40 }));
    await connected;
    expect(h.client.lastOrder).toBe(40);
    expect(h.snapshots.map(([, r]) => r)).toEqual(['gap-too-large']);
    // New events reuse orders the client saw before the restore: they must not be skipped.
    conn.event(40, msgEvent(41));
    await nextEmit(h.client, 'event');
    expect(orders()).toEqual([41]);
  });

  it('rejects a malformed URL at construction', () => {
    expect(() => new OdClient({ url: 'not a url', tokens: tokens() })).toThrow();
    expect(wsUrl('https://chat.example:8443/')).toBe('wss://chat.example:8443/ws');
  });
});

describe('OdClient: requests', () => {
  it('correlates replies and validates results', async () => {
    const conn = await goLive(server, h);
    const p = h.client.request('message.send', { roomId: 'r1', text: 'hi', nonce: 'n1' });
    const req = await conn.next('message.send');
    expect(req).toEqual({ id: expect.any(String), type: 'message.send', roomId: 'r1', text: 'hi', nonce: 'n1' });
    conn.reply(req, { message: message('m1', 'r1', 11, { nonce: 'n1', text: 'hi' }) });
    await expect(p).resolves.toMatchObject({ message: { id: 'm1', text: 'hi' } });
  });

  it('rejects with the server error code, or INTERNAL for a reply that breaks the protocol', async () => {
    const conn = await goLive(server, h);
    const a = h.client.request('room.create', { name: 'x' });
    conn.fail(await conn.next('room.create'), 'FORBIDDEN', 'no permission');
    await expect(a).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'no permission' });
    const b = h.client.request('state', {});
    conn.reply(await conn.next('state'), { nonsense: true });
    await expect(b).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('refuses invalid params locally', async () => {
    const conn = await goLive(server, h);
    await expect(h.client.request('message.send', { roomId: 'r1', text: '', nonce: 'n' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(h.client.request('nope' as 'state', {})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    h.client.sendTyping('r1');
    // The typing frame is the next thing on the wire: the invalid requests never were.
    expect(await conn.next()).toEqual({ type: 'typing', roomId: 'r1' });
  });

  it('times out', async () => {
    const conn = await goLive(server, h);
    const p = h.client.request('history', { roomId: 'r1' }, { timeoutMs: 30 });
    await conn.next('history');
    await expect(p).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('relays typing and presence, ignores unknown frames and warns on malformed ones', async () => {
    const conn = await goLive(server, h);
    const typing = nextEmit(h.client, 'typing');
    conn.send({ type: 'from-a-newer-server', x: 1 });
    conn.send({ type: 'typing', roomId: 'r1', userId: 'u2' });
    expect((await typing)[0]).toEqual({ type: 'typing', roomId: 'r1', userId: 'u2' });
    const presence = nextEmit(h.client, 'presence');
    conn.send({ type: 'presence', userId: 'u2', online: false });
    expect((await presence)[0].online).toBe(false);
    const warning = nextEmit(h.client, 'warning');
    conn.send({ type: 'event', prev: 'x' });
    await warning;
    expect(h.client.status.state).toBe('live');
  });

  it('close() rejects pending requests and stops for good', async () => {
    const conn = await goLive(server, h);
    const p = h.client.request('history', { roomId: 'r1' });
    await conn.next('history');
    h.client.close();
    await expect(p).rejects.toSatisfy((e) => e instanceof ProtocolError && e.code === 'UNAVAILABLE');
    expect(h.client.status).toEqual({ state: 'closed', reason: 'closed by client', code: 1000 });
    await expect(h.client.request('state', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(h.client.connect()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await conn.closed).toBe(1000);
  });
});

describe('OdClient: live stream', () => {
  it('applies live frames in order and skips duplicates', async () => {
    const conn = await goLive(server, h);
    conn.event(10, msgEvent(11));
    conn.event(10, msgEvent(11));
    conn.event(11, msgEvent(14)); // 12 and 13 were hidden from us
    conn.event(9, msgEvent(10)); // older than the snapshot
    conn.event(14, msgEvent(15));
    await nextEmit(h.client, 'event', (e) => e.order === 15);
    expect(orders()).toEqual([11, 14, 15]);
    expect(h.client.lastOrder).toBe(15);
  });

  it('detects a gap, pulls sync pages while buffering live frames, then continues without duplicates', async () => {
    const conn = await goLive(server, h);
    conn.event(10, msgEvent(11));
    conn.event(15, msgEvent(16)); // 12..15 missing
    const sync1 = await conn.next('sync');
    expect(sync1).toMatchObject({ after: 11 });
    expect(h.client.status).toEqual({ state: 'resyncing', through: 11, head: 15 });
    conn.event(16, msgEvent(17)); // arrives mid-resync: must wait
    conn.reply(sync1, { events: [msgEvent(13)], through: 14, more: true });
    const sync2 = await conn.next('sync');
    expect(sync2).toMatchObject({ after: 14 });
    conn.reply(sync2, { events: [msgEvent(15), msgEvent(16)], through: 16, more: false });
    await nextEmit(h.client, 'event', (e) => e.order === 17);
    expect(orders()).toEqual([11, 13, 15, 16, 17]);
    expect(h.client.status).toEqual({ state: 'live' });
  });

  it('falls back to a snapshot when the gap is too large to sync', async () => {
    const conn = await goLive(server, h);
    conn.event(20_000, msgEvent(20_001));
    conn.reply(await conn.next('sync'), { events: [], through: 10, more: false, snapshotRequired: true });
    conn.reply(await conn.next('state'), state({ head: 20_001 }));
    await nextEmit(h.client, 'snapshot');
    conn.event(20_001, msgEvent(20_002));
    await nextEmit(h.client, 'event');
    expect(orders()).toEqual([20_002]);
    expect(h.snapshots.map(([, r]) => r)).toEqual(['initial', 'gap-too-large']);
  });

  it('reloads state when my access changes, keeping the event stream complete', async () => {
    const conn = await goLive(server, h);
    conn.event(10, event('access.changed', 11, { userId: 'u1' }));
    conn.event(11, msgEvent(12));
    conn.reply(await conn.next('state'), state({ head: 12 }));
    await nextEmit(h.client, 'event', (e) => e.order === 12);
    expect(orders()).toEqual([11, 12]);
    expect(h.snapshots.map(([, r]) => r)).toEqual(['initial', 'access-changed']);
    // Someone else's access change is none of our business.
    conn.event(12, event('access.changed', 13, { userId: 'u2' }));
    await nextEmit(h.client, 'event', (e) => e.order === 13);
    expect(h.snapshots).toHaveLength(2);
  });
});

describe('OdClient: events a batch at a time', () => {
  it('hands each page to `events` after its `event`s, split before a snapshot, and live events one by one', async () => {
    h = makeClient(server, { lastOrder: 10 });
    const seen: string[] = [];
    h.client.on('event', (e) => seen.push(`event ${e.order}`));
    h.client.on('events', (es) => seen.push(`events ${es.map((e) => e.order).join(',')}`));
    h.client.on('snapshot', (_s, reason) => seen.push(`snapshot ${reason}`));
    const connected = h.client.connect();
    const conn = await server.nextConnection();
    await conn.next('auth');
    conn.ready({ head: 16, replaying: true });
    // 10 is a repeat (already accounted): in neither stream.
    conn.send({ type: 'replay', events: [msgEvent(10), msgEvent(11), msgEvent(12)], through: 12, more: true });
    conn.send({ type: 'replay', events: [msgEvent(13), event('access.changed', 14, { userId: 'u1' }), msgEvent(15)], through: 15, more: false });
    conn.reply(await conn.next('state'), state({ head: 15 }));
    await connected;
    conn.event(15, msgEvent(16));
    await nextEmit(h.client, 'events');
    expect(seen).toEqual([
      'event 11', 'event 12', 'events 11,12',
      'event 13', 'event 14', 'events 13,14', 'snapshot access-changed',
      'event 15', 'events 15',
      'event 16', 'events 16',
    ]);
  });
});
