import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode, ProtocolError } from '@open-discord/protocol';
import { goLive, makeClient, tokens, type Harness } from './helpers/client-setup.js';
import { message, msgEvent, state } from './helpers/fixtures.js';
import { nextEmit, ScriptedServer } from './helpers/scripted-server.js';

let server: ScriptedServer;
let h: Harness;

beforeEach(async () => {
  server = await ScriptedServer.start();
  h = makeClient(server, { now: () => 1_000 });
});
afterEach(async () => {
  h.client.close();
  await server.close();
});

const orders = () => h.events.map((e) => e.order);

describe('OdClient: reconnect and resume', () => {
  it('reconnects with backoff and resumes after lastOrder through replay pages', async () => {
    const first = await goLive(server, h);
    first.event(10, msgEvent(11));
    await nextEmit(h.client, 'event');
    first.close(CloseCode.GOING_AWAY, 'restarting');

    const offline = await nextEmit(h.client, 'status', (s) => s.state === 'offline');
    // backoff initialMs 5 with random() = 0 (no jitter) on the injected clock.
    expect(offline[0]).toEqual({ state: 'offline', retryAt: 1_005, reason: 'restarting (1001)' });

    const second = await server.nextConnection();
    expect(await second.next('auth')).toMatchObject({ token: 'token', resumeAfter: 11 });
    second.ready({ head: 14, replaying: true });
    // The replay may overlap what we had; only orders after 11 count.
    second.send({ type: 'replay', events: [msgEvent(11), msgEvent(12)], through: 13, more: true });
    second.send({ type: 'replay', events: [msgEvent(14)], through: 14, more: false });
    await nextEmit(h.client, 'status', (s) => s.state === 'live');
    second.event(14, msgEvent(15));
    await nextEmit(h.client, 'event', (e) => e.order === 15);
    expect(orders()).toEqual([11, 12, 14, 15]);
    expect(h.snapshots).toHaveLength(1);
  });

  it('refreshes the token after a 4401 close', async () => {
    const src = tokens();
    h = makeClient(server, { tokens: src });
    const first = await goLive(server, h);
    first.close(CloseCode.UNAUTHORIZED, 'token expired');
    const second = await server.nextConnection();
    expect(await second.next('auth')).toMatchObject({ token: 'token-refreshed', resumeAfter: 10 });
    expect(src.calls).toEqual([false, true]);
  });

  it('stops for good on 4403 and fails pending requests', async () => {
    const conn = await goLive(server, h);
    const p = h.client.request('history', { roomId: 'r1' });
    await conn.next('history');
    const closed = nextEmit(h.client, 'status', (s) => s.state === 'closed');
    conn.close(CloseCode.FORBIDDEN, 'banned');
    await expect(p).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect((await closed)[0]).toEqual({ state: 'closed', reason: 'closed by the server: banned (4403)', code: 4403 });
  });

  it('closes when the session cannot be refreshed, and connect() rejects', async () => {
    h = makeClient(server, { tokens: tokens(() => new ProtocolError('UNAUTHORIZED', 'refresh token revoked')) });
    await expect(h.client.connect()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('session expired') });
    expect(h.client.status).toEqual({ state: 'closed', reason: 'session expired: log in again', code: 4401 });
  });

  it('retries a refresh that failed for a transient reason', async () => {
    let failures = 2;
    h = makeClient(server, { tokens: tokens(() => (failures-- > 0 ? new ProtocolError('UNAVAILABLE', 'down') : null)) });
    const connected = h.client.connect();
    const conn = await server.nextConnection();
    await conn.next('auth');
    conn.ready();
    conn.reply(await conn.next('state'), state());
    await connected;
    expect(h.warnings.filter((w) => w.includes('token refresh failed'))).toHaveLength(2);
  });

  it('re-sends an in-flight message.send with the same nonce after a drop; other requests fail', async () => {
    const first = await goLive(server, h);
    const send = h.client.request('message.send', { roomId: 'r1', text: 'hello', nonce: 'nonce-1' });
    const history = h.client.request('history', { roomId: 'r1' });
    const sent = await first.next('message.send');
    await first.next('history');
    first.ws.terminate(); // the reply is lost with the connection
    await expect(history).rejects.toMatchObject({ code: 'UNAVAILABLE' });

    const second = await server.nextConnection();
    await second.next('auth');
    second.ready({ head: 10 });
    const resent = await second.next('message.send');
    expect(resent).toMatchObject({ type: 'message.send', nonce: 'nonce-1', text: 'hello' });
    expect(resent.id).toBe(sent.id);
    second.reply(resent, { message: message('m11', 'r1', 11, { nonce: 'nonce-1', text: 'hello' }) });
    await expect(send).resolves.toMatchObject({ message: { id: 'm11' } });
  });

  it('holds requests made while offline until the client is live again', async () => {
    const first = await goLive(server, h);
    first.close(CloseCode.GOING_AWAY);
    await nextEmit(h.client, 'status', (s) => s.state === 'offline');
    const p = h.client.request('room.create', { name: 'later' });
    const second = await server.nextConnection();
    await second.next('auth');
    second.ready({ head: 10, replaying: true });
    // Nothing but the replay's end makes the client live: the request must not overtake it.
    second.send({ type: 'replay', events: [], through: 10, more: false });
    const req = await second.next('room.create');
    second.reply(req, { room: { id: 'r9', name: 'later' } });
    await expect(p).resolves.toMatchObject({ room: { id: 'r9', name: 'later', kind: 'text' } });
  });

  it('drops a connection that never sends ready, then reconnects', async () => {
    h = makeClient(server, { requestTimeoutMs: 50 });
    const connected = h.client.connect();
    const silent = await server.nextConnection();
    await silent.next('auth');
    const next = await server.nextConnection();
    await next.next('auth');
    next.ready();
    next.reply(await next.next('state'), state());
    await connected;
    expect(h.warnings).toContain('no ready frame from the server');
  });

  it('drops a connection that went silent (no frames, no pings) and resumes', async () => {
    h = makeClient(server, { idleTimeoutMs: 50 });
    const first = await goLive(server, h);
    first.event(10, msgEvent(11));
    // Then nothing: a server that vanished without closing the socket looks exactly like this.
    const second = await server.nextConnection();
    expect(await second.next('auth')).toMatchObject({ resumeAfter: 11 });
    expect(h.warnings).toContain('nothing from the server for 50 ms');
  });

  it('keeps retrying while the server is unreachable, with growing delays', async () => {
    const url = server.url;
    await server.close();
    h = makeClient({ url } as ScriptedServer, { now: () => 1_000 });
    void h.client.connect().catch(() => {});
    const retryAts: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [s] = await nextEmit(h.client, 'status', (x) => x.state === 'offline');
      if (s.state === 'offline') retryAts.push(s.retryAt);
    }
    // initialMs 5, factor 2, capped at maxMs 20, no jitter: on the fixed clock retryAt = 1000 + delay.
    expect(retryAts).toEqual([1_005, 1_010, 1_020, 1_020]);
    server = await ScriptedServer.start();
  });
});
