import fs from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { decodeClientFrame, ERROR_CODES, REQUEST_TYPES } from '@open-discord/protocol';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { assertHealthy } from './support/bystander.js';
import { ChildServer, makeTempDir, testServerOptions } from './support/child-server.js';
import { waitUntil } from './support/wait.js';
import { makeWorld, type World } from './support/world.js';
import { connectAuthed, RawClient } from './support/ws-client.js';

/*
 * Property-based fuzzing of the frame decoder (in-process) and of request handling (a live server in a
 * child process): never a throw or a crash, only protocol errors.
 */

/** Frames that look like requests: real types with random params, so validation, not just JSON parsing, is hit. */
const requestLike = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 70 }), fc.integer(), fc.constant(null)),
    type: fc.oneof(fc.constantFrom(...REQUEST_TYPES, 'auth', 'typing'), fc.string({ maxLength: 70 })),
    roomId: fc.oneof(fc.string({ maxLength: 70 }), fc.integer(), fc.constant(undefined)),
    text: fc.oneof(fc.string({ maxLength: 100 }), fc.integer(), fc.constant('')),
    nonce: fc.string({ maxLength: 80 }),
    after: fc.oneof(fc.integer(), fc.double(), fc.string()),
    limit: fc.oneof(fc.integer(), fc.double()),
    extra: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);

const anyFrame = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.json(),
  requestLike.map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom('{"id":"p","type":"state","__proto__":{"polluted":1}}', '{"id":"c","type":"constructor"}', '{"id":"t","type":"toString"}'),
);

describe('decodeClientFrame', () => {
  const check = (raw: Parameters<typeof decodeClientFrame>[0]) => {
    const r = decodeClientFrame(raw);
    if (r.ok) expect(['auth', 'typing', 'request']).toContain(r.value.kind);
    else {
      expect(r.error.code).toBe('BAD_REQUEST');
      expect(r.id === null || typeof r.id === 'string').toBe(true);
    }
  };

  test.prop([anyFrame], { numRuns: 2000 })('never throws on text input', (raw) => check(raw));
  test.prop([fc.uint8Array({ maxLength: 512 })], { numRuns: 1000 })('never throws on bytes', (bytes) => {
    check(Buffer.from(bytes));
    check(bytes.buffer as ArrayBuffer);
    check([Buffer.from(bytes), Buffer.from(bytes)]);
  });
  test.prop([fc.integer({ min: 1, max: 20_000 })], { numRuns: 20 })('never throws on deep nesting', (depth) => {
    check('['.repeat(depth) + ']'.repeat(depth));
    check('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
  });
});

const dirs: string[] = [];
let server: ChildServer;
let world: World;
let healthy: RawClient;

describe('request handling on a live server', () => {
  beforeAll(async () => {
    const dataDir = makeTempDir();
    dirs.push(dataDir);
    server = await ChildServer.start(testServerOptions(dataDir, { messageRate: null, maxConnectionsPerIp: 1000 }));
    world = await makeWorld(server, 2, 'fuzz');
    healthy = await connectAuthed(server.wsUrl, world.members[1]!.accessToken);
  });
  afterAll(async () => {
    healthy?.close();
    await server?.kill();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const protocolCodes = ERROR_CODES.filter((c) => c !== 'INTERNAL') as readonly string[];

  test.prop([fc.array(anyFrame, { minLength: 1, maxLength: 30 })], { numRuns: 60 })(
    'random frames after auth only ever produce protocol errors',
    async (frames) => {
      const c = await connectAuthed(server.wsUrl, world.members[0]!.accessToken);
      for (const f of frames) c.send(f);
      // A marker request: once it is answered, everything sent before it has been handled.
      const marker = c.open ? await c.request('state').catch(() => null) : null;
      const replies = c.frames.filter((f) => f.type === 'reply' && f.ok === false);
      c.close();
      expect(server.alive, server.output).toBe(true);
      for (const r of replies) expect(protocolCodes).toContain((r.error as { code: string }).code);
      if (!marker) expect([1007, 1009, 4400, 4401, 4408, 4429]).toContain(c.closeInfo?.code);
    },
    60_000,
  );

  test.prop([anyFrame], { numRuns: 60 })(
    'a random first frame gets ready or a clear close, never a hang',
    async (frame) => {
      const c = await RawClient.open(server.wsUrl);
      c.send(frame);
      await waitUntil(() => c.closeInfo !== null || c.frames.length > 0, 10_000, 'a response to the first frame');
      c.close();
      expect(server.alive, server.output).toBe(true);
      if (c.closeInfo && !c.frames.length) expect([1007, 1009, 4400, 4401]).toContain(c.closeInfo.code);
    },
    60_000,
  );

  test.prop([fc.constant(null)], { numRuns: 1 })('a healthy client is served afterwards', async () => {
    expect(healthy.open).toBe(true);
    await assertHealthy(healthy, world.roomId);
  });
});
