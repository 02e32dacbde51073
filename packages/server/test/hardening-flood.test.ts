import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeClientFrame, MAX_FRAME_DEPTH } from '@open-discord/protocol';
import { RawClient, signup, testScope, until } from './helpers.js';

/*
 * Finding 8: 100 sockets sending malformed frames stalled everyone; only per-socket limits existed. Not
 * timed: the test counts how many hostile frames the server parses (by counting the BAD_REQUEST replies
 * it writes, one per parsed malformed frame) and checks that the count is bounded per address and per
 * account however many sockets share them, while a healthy client on another account keeps being served.
 */
const { cleanups, setup } = testScope();

describe('parse budget per address and account', () => {
  it('many sockets of one account and address get a bounded amount of malformed input parsed, then are refused before parsing', async () => {
    const server = await setup({ maxConnectionsPerUser: 50, frameRate: { perSec: 500, burst: 1000 } });
    const hostile = await signup(server.url, 'hostile');
    const healthy = await signup(server.url, 'healthy');
    const good = await RawClient.connect(server.url, healthy.accessToken);
    cleanups.push(() => good.close());
    const junk = JSON.stringify({ id: 'j', type: 'no.such.type', pad: 'x'.repeat(30_000) }); // ~30 KiB each
    const sockets: RawClient[] = [];
    for (let i = 0; i < 40; i++) {
      const c = await RawClient.connect(server.url, hostile.accessToken);
      cleanups.push(() => c.close());
      sockets.push(c);
    }
    // 40 sockets × 20 frames of 30 KiB = 24 MiB offered; every socket alone stays under its own limits.
    for (let round = 0; round < 20; round++) for (const c of sockets) if (c.closeCode === null) c.ws.send(junk);
    await until(() => sockets.every((c) => c.closeCode !== null), 'every hostile socket closed', 20_000);
    const parsed = sockets.reduce((n, c) => n + c.frames.filter((f) => f.type === 'reply' && f.ok === false).length, 0);
    // The account's budget (1 MiB burst, 128 KiB/s) bounds the parsed frames to a few dozen, not 800.
    expect(parsed).toBeLessThan(80);
    expect(new Set(sockets.map((c) => c.closeCode))).toEqual(new Set([4429]));
    // The account is blocked: a fresh socket of it has its next large frame refused before it is parsed.
    const fresh = await RawClient.connect(server.url, hostile.accessToken);
    cleanups.push(() => fresh.close());
    fresh.ws.send(junk);
    expect(await fresh.waitClose()).toBe(4429);
    expect(fresh.frames.some((f) => f.type === 'reply')).toBe(false);
    // The healthy client (another account on the same address) is still served.
    expect((await good.call('state')).me.username).toBe('healthy');
  });

  it('sockets of many accounts on one address share its budget; a blocked address is refused at the upgrade', async () => {
    const server = await setup({ frameRate: { perSec: 500, burst: 1000 } });
    const healthy = await signup(server.url, 'healthy');
    const good = await RawClient.connect(server.url, healthy.accessToken);
    cleanups.push(() => good.close());
    const junk = JSON.stringify({ id: 'j', type: 'no.such.type', pad: 'x'.repeat(30_000) });
    const sockets: RawClient[] = [];
    for (let a = 0; a < 5; a++) {
      const pair = await signup(server.url, `hostile${a}`);
      for (let i = 0; i < 8; i++) {
        const c = await RawClient.connect(server.url, pair.accessToken);
        cleanups.push(() => c.close());
        sockets.push(c);
      }
    }
    for (let round = 0; round < 20; round++) for (const c of sockets) if (c.closeCode === null) c.ws.send(junk);
    await until(() => sockets.every((c) => c.closeCode !== null), 'every hostile socket closed', 20_000);
    const parsed = sockets.reduce((n, c) => n + c.frames.filter((f) => f.type === 'reply' && f.ok === false).length, 0);
    // The address's budget (2 MiB burst, 256 KiB/s) bounds it, whatever the number of accounts: not 800.
    expect(parsed).toBeLessThan(120);
    await expect(RawClient.open(server.url)).rejects.toThrow(/HTTP 429/);
    expect((await good.call('state')).me.username).toBe('healthy');
  });

  it('deeply nested frames are refused before parsing; normal frames are untouched', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const r = decodeClientFrame(deep);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(`frame is nested deeper than ${MAX_FRAME_DEPTH} levels`);
    // Brackets inside strings do not count, and a big well-formed frame decodes.
    const text = '['.repeat(3000) + '{"\\"'.repeat(200);
    const ok = decodeClientFrame(JSON.stringify({ id: '1', type: 'message.send', roomId: 'r', text, nonce: 'n' }));
    expect(ok.ok).toBe(true);
  });
});
