import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from './support/accounts.js';
import { assertHealthy, heldBytes, MiB } from './support/bystander.js';
import { ChildServer, makeTempDir, testServerOptions } from './support/child-server.js';
import { waitUntil } from './support/wait.js';
import { makeWorld, type World } from './support/world.js';
import { connectAuthed, RawClient, type Frame } from './support/ws-client.js';

/*
 * Hostile frames: each gets a clear error reply or a clear close code, never a crash, and the server's memory
 * and its other clients are unaffected. The server runs in a child process so that a crash is observable and
 * its memory can be measured after GC.
 */

const dirs: string[] = [];
let server: ChildServer;
let world: World;
let bystander: RawClient;
let attacker: Session;

beforeAll(async () => {
  const dataDir = makeTempDir();
  dirs.push(dataDir);
  server = await ChildServer.start(testServerOptions(dataDir, { messageRate: null, maxConnectionsPerIp: 1000, maxConnectionsPerUser: 100 }));
  world = await makeWorld(server, 2, 'abuse');
  attacker = world.members[0]!;
  bystander = await connectAuthed(server.wsUrl, world.members[1]!.accessToken);
});

afterAll(async () => {
  bystander?.close();
  await server?.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function afterEach() {
  expect(server.alive, server.output).toBe(true);
  await assertHealthy(bystander, world.roomId);
}

const BAD_CLOSE = [4400, 4429];

describe('hostile frames', () => {
  it('closes with 1009 on a frame over the size limit (before and after auth)', async () => {
    const big = JSON.stringify({ id: 'x', type: 'message.send', text: 'x'.repeat(70 * 1024) });
    const pre = await RawClient.open(server.wsUrl);
    pre.send(big);
    expect((await pre.waitClosed()).code).toBe(1009);
    const post = await connectAuthed(server.wsUrl, attacker.accessToken);
    post.send(big);
    expect((await post.waitClosed()).code).toBe(1009);
    await afterEach();
  });

  it('closes with 1007 on invalid UTF-8 in a text frame', async () => {
    const c = await connectAuthed(server.wsUrl, attacker.accessToken);
    c.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), false);
    expect((await c.waitClosed()).code).toBe(1007);
    await afterEach();
  });

  it('refuses requests before auth with a protocol-violation close', async () => {
    const c = await RawClient.open(server.wsUrl);
    c.send({ id: '1', type: 'state' });
    const closed = await c.waitClosed();
    expect([4400, 4401]).toContain(closed.code);
    expect(c.frames.filter((f) => f.type === 'reply' && f.ok === true)).toEqual([]);

    const junk = await RawClient.open(server.wsUrl);
    junk.send('not json at all');
    expect([4400, 4401]).toContain((await junk.waitClosed()).code);
    await afterEach();
  });

  it('answers unknown request types with BAD_REQUEST and keeps the connection', async () => {
    const c = await connectAuthed(server.wsUrl, attacker.accessToken);
    const r = await c.request('no.such.thing', { a: 1 });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('BAD_REQUEST');
    const s = await c.request('state');
    expect(s.ok).toBe(true);
    c.close();
    await afterEach();
  });

  it('survives 10 000 malformed frames with bounded memory and unaffected neighbours', async () => {
    // Warm up the code paths first so that lazily compiled code and caches do not count as growth.
    const warm = await connectAuthed(server.wsUrl, attacker.accessToken);
    for (let i = 0; i < 50; i++) warm.send('{');
    await waitUntil(() => warm.frames.filter((f) => f.type === 'reply').length >= 50 || warm.closeInfo !== null, 10_000, 'warm-up replies');
    warm.close();
    const before = await server.memory();

    const c = await connectAuthed(server.wsUrl, attacker.accessToken);
    c.keepFrames = false;
    const seen = { replies: 0, bad: [] as Frame[] };
    c.onFrame = (f) => {
      if (f.type !== 'reply') return;
      seen.replies++;
      if (f.ok !== false || (f.error as { code: string }).code !== 'BAD_REQUEST') seen.bad.push(f);
    };
    const shapes = [
      '{',
      '[]',
      'null',
      '"str"',
      '12',
      '{"id":1,"type":"state"}',
      '{"id":"m","type":"message.send"}',
      '{"id":"m","type":"message.send","roomId":5,"text":"","nonce":"n"}',
      '{"type":"auth","token":"again"}',
      `{"id":"${'i'.repeat(100)}","type":"state"}`,
      '['.repeat(2000) + ']'.repeat(2000),
      '{"id":"p","type":"__proto__","constructor":{"prototype":{"polluted":true}}}',
    ];
    for (let i = 0; i < 10_000; i++) c.send(shapes[i % shapes.length]!);
    await waitUntil(() => seen.replies >= 10_000 || c.closeInfo !== null, 60_000, 'a reply to every malformed frame, or a close');
    const floodClose = c.closeInfo?.code ?? null;
    if (c.closeInfo) expect(BAD_CLOSE).toContain(c.closeInfo.code);
    c.close();

    // The server may cut one flooding socket short, so the same 10 000 frames again spread over 100
    // sockets (20 at a time) of 100 frames each, every one of which must be answered or end in a clear close.
    let spreadReplies = 0;
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, k) => {
          const s = await connectAuthed(server.wsUrl, attacker.accessToken);
          s.keepFrames = false;
          let replies = 0;
          s.onFrame = (f) => {
            if (f.type !== 'reply') return;
            replies++;
            if (f.ok !== false || (f.error as { code: string }).code !== 'BAD_REQUEST') seen.bad.push(f);
          };
          for (let i = 0; i < 100; i++) s.send(shapes[(i + k) % shapes.length]!);
          await waitUntil(() => replies >= 100 || s.closeInfo !== null, 30_000, 'replies or a close');
          if (s.closeInfo) expect(BAD_CLOSE).toContain(s.closeInfo.code);
          spreadReplies += replies;
          s.close();
        }),
      );
    }
    expect(seen.bad.slice(0, 3)).toEqual([]);
    await afterEach();

    const after = await server.memory();
    const growth = heldBytes(after) - heldBytes(before);
    console.log(`10k malformed on one socket: ${seen.replies} error replies, close ${floodClose}; over 100 sockets: ${spreadReplies} error replies; held memory ${(growth / MiB).toFixed(2)} MiB, rss ${((after.rss - before.rss) / MiB).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(10 * MiB);
  }, 90_000);

  it('handles a binary frame without crashing (an error reply or a protocol close)', async () => {
    const c = await connectAuthed(server.wsUrl, attacker.accessToken);
    c.send(Buffer.from([0, 1, 2, 3, 255]), true);
    await waitUntil(() => c.frames.some((f) => f.type === 'reply') || c.closeInfo !== null, 10_000, 'a reply or a close');
    if (!c.closeInfo) expect(c.frames.find((f) => f.type === 'reply')!.ok).toBe(false);
    else expect([1003, 4400]).toContain(c.closeInfo!.code);
    c.close();
    await afterEach();
  });
});
