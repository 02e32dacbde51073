import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertHealthy } from './support/bystander.js';
import { ChildServer, makeTempDir, testServerOptions, type ChildServerOptions } from './support/child-server.js';
import { withTimeout } from './support/wait.js';
import { makeWorld, type World } from './support/world.js';
import { ConnectRefused, connectAuthed, RawClient } from './support/ws-client.js';

/*
 * Connection-level abuse: dead peers, sockets that never authenticate or never finish their upgrade,
 * connection caps, and cross-site WebSocket upgrades.
 */

const PING_MS = 300;
const AUTH_TIMEOUT_MS = 400;

const dirs: string[] = [];
const servers: ChildServer[] = [];
let server: ChildServer;
let world: World;

async function start(extra: Partial<ChildServerOptions>): Promise<ChildServer> {
  const dataDir = makeTempDir();
  dirs.push(dataDir);
  const s = await ChildServer.start(testServerOptions(dataDir, extra));
  servers.push(s);
  return s;
}

beforeAll(async () => {
  server = await start({ pingIntervalMs: PING_MS, authTimeoutMs: AUTH_TIMEOUT_MS, maxConnectionsPerIp: 4, maxConnectionsPerUser: 2 });
  world = await makeWorld(server, 4, 'conn');
});

afterAll(async () => {
  for (const s of servers) await s.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Does connecting succeed? Refusal may be an HTTP error on the upgrade or an immediate close. */
async function tryOpen(url: string, origin?: string): Promise<RawClient | ConnectRefused> {
  try {
    return await RawClient.open(url, { origin });
  } catch (err) {
    if (err instanceof ConnectRefused) return err;
    throw err;
  }
}

describe('connection abuse', () => {
  it('drops a peer that stops answering pings within two ping intervals; a live peer stays', async () => {
    const dead = await RawClient.open(server.wsUrl, { autoPong: false });
    const live = await RawClient.open(server.wsUrl);
    const t0 = Date.now();
    await dead.auth(world.members[0]!.accessToken);
    await live.auth(world.members[1]!.accessToken);
    await dead.waitClosed(5 * PING_MS + 2000);
    const elapsed = Date.now() - t0;
    // Two intervals, plus scheduling slack for a loaded CI machine.
    expect(elapsed).toBeLessThanOrEqual(2 * PING_MS + 400);
    await new Promise((r) => setTimeout(r, 3 * PING_MS));
    expect(live.open).toBe(true);
    await assertHealthy(live, world.roomId);
    live.close();
  });

  it('closes an upgraded socket that never authenticates with 4408', async () => {
    const c = await RawClient.open(server.wsUrl);
    const closed = await c.waitClosed(AUTH_TIMEOUT_MS + 3000);
    expect(closed.code).toBe(4408);
  });

  it('times out a half-open upgrade request that never finishes its headers', async () => {
    const sock = net.connect(server.port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\n`);
    const t0 = Date.now();
    const ended = new Promise<void>((r) => {
      sock.on('close', () => r());
      sock.on('error', () => r());
      sock.resume();
    });
    try {
      await withTimeout(ended, 15_000, 'the server to close a half-open upgrade');
    } finally {
      sock.destroy();
    }
    console.log(`half-open upgrade closed after ${Date.now() - t0} ms`);
  }, 20_000);

  it('enforces the per-IP connection cap and frees the slot on close', async () => {
    // Earlier tests' sockets were terminated from this side; give the server a moment to see them go.
    await new Promise((r) => setTimeout(r, 200));
    const open: RawClient[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await tryOpen(server.wsUrl);
      expect(c, `connection ${i + 1} of 4 must be allowed`).toBeInstanceOf(RawClient);
      open.push(c as RawClient);
    }
    const fifth = await tryOpen(server.wsUrl);
    if (fifth instanceof RawClient) {
      // Refused by close code after the upgrade instead of an HTTP status.
      expect((await fifth.waitClosed()).code).toBe(4409);
    } else {
      expect([0, 429, 503]).toContain(fifth.status);
    }
    open.pop()!.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await tryOpen(server.wsUrl);
    expect(again).toBeInstanceOf(RawClient);
    (again as RawClient).close();
    for (const c of open) c.close();
  });

  it('enforces the per-user connection cap with 4409', async () => {
    const token = world.members[2]!.accessToken;
    const a = await connectAuthed(server.wsUrl, token);
    const b = await connectAuthed(server.wsUrl, token);
    const c = await RawClient.open(server.wsUrl);
    c.send({ type: 'auth', token });
    expect((await c.waitClosed()).code).toBe(4409);
    expect(a.open && b.open).toBe(true);
    a.close();
    b.close();
  });

  it('refuses a WebSocket upgrade from a foreign Origin unless it is configured', async () => {
    const foreign = await tryOpen(server.wsUrl, 'https://evil.example');
    if (foreign instanceof RawClient) {
      // Some servers refuse after the upgrade: then it must be closed without ever authenticating.
      foreign.send({ type: 'auth', token: world.members[3]!.accessToken });
      const closed = await foreign.waitClosed();
      expect(foreign.frames.some((f) => f.type === 'ready'), `closed ${closed.code}`).toBe(false);
    } else {
      expect(foreign.status).toBe(403);
    }
    // Terminal clients and bots send no Origin at all.
    const none = await connectAuthed(server.wsUrl, world.members[3]!.accessToken);
    none.close();

    const configured = await start({ allowedOrigins: ['https://chat.example'] });
    const owner = await makeWorld(configured, 0, 'orig');
    const ok = await RawClient.open(configured.wsUrl, { origin: 'https://chat.example' });
    await ok.auth(owner.owner.accessToken);
    ok.close();
    const stillForeign = await tryOpen(configured.wsUrl, 'https://evil.example');
    if (stillForeign instanceof RawClient) {
      stillForeign.close();
      throw new Error('a foreign origin was accepted although only https://chat.example is configured');
    }
    expect(stillForeign.status).toBe(403);
  });
});
