import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@open-discord/protocol';
import { goLive, makeClient, type Harness } from './helpers/client-setup.js';
import { message } from './helpers/fixtures.js';
import { nextEmit, ScriptedServer } from './helpers/scripted-server.js';

/*
 * A message typed while offline (issue 8, item 11): with `queue: true` it waits for the connection without a
 * deadline and goes out with its nonce once live; `retryNow()` skips the backoff. The long backoff keeps the
 * client offline until the test says so, and an ordinary request's TIMEOUT is the event that proves the
 * request deadline has passed (no sleeps).
 */

let server: ScriptedServer;
let h: Harness;

beforeEach(async () => {
  server = await ScriptedServer.start();
  h = makeClient(server, { backoff: { initialMs: 60_000, maxMs: 60_000 }, requestTimeoutMs: 300 });
});
afterEach(async () => {
  h.client.close();
  await server.close();
});

describe('OdClient: queued sends and retry now', () => {
  it('keeps a queued message.send past the request timeout while offline, then sends it with its nonce', async () => {
    const first = await goLive(server, h);
    first.close(CloseCode.GOING_AWAY, 'restarting');
    await nextEmit(h.client, 'status', (s) => s.state === 'offline');

    let settled = false;
    const queued = h.client.request('message.send', { roomId: 'r1', text: 'typed offline', nonce: 'n-off' }, { queue: true });
    void queued.finally(() => (settled = true)).catch(() => {});
    // An unqueued request made at the same time times out: the deadline has passed for the queued one too.
    await expect(h.client.request('message.send', { roomId: 'r1', text: 'bot', nonce: 'n-bot' })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(settled).toBe(false);

    h.client.retryNow();
    const second = await server.nextConnection();
    await second.next('auth');
    second.ready({ head: 10 });
    const sent = await second.next('message.send');
    expect(sent).toMatchObject({ nonce: 'n-off', text: 'typed offline' });
    second.reply(sent, { message: message('m11', 'r1', 11, { nonce: 'n-off', text: 'typed offline' }) });
    await expect(queued).resolves.toMatchObject({ message: { id: 'm11' } });
  });

  it('fails a queued send only on a real refusal', async () => {
    const conn = await goLive(server, h);
    const p = h.client.request('message.send', { roomId: 'r1', text: 'x', nonce: 'n1' }, { queue: true });
    const req = await conn.next('message.send');
    conn.fail(req, 'FORBIDDEN', 'you may not post here');
    await expect(p).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('retryNow reconnects at once and does nothing while live', async () => {
    const first = await goLive(server, h);
    h.client.retryNow(); // live: no effect
    first.close(CloseCode.GOING_AWAY);
    const offline = await nextEmit(h.client, 'status', (s) => s.state === 'offline');
    expect(offline[0]).toMatchObject({ state: 'offline' });
    h.client.retryNow();
    const second = await server.nextConnection();
    expect(await second.next('auth')).toMatchObject({ resumeAfter: 10 });
  });
});
