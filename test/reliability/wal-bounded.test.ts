import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildServer, makeTempDir, testServerOptions } from './support/child-server.js';
import { StormClient } from './support/storm-client.js';
import { waitUntil } from './support/wait.js';
import { makeWorld } from './support/world.js';

/*
 * The WAL must stay bounded during a long run: the server checkpoints periodically, so the -wal file does not
 * grow with the amount written. The run writes several times the bound into the database while sampling the
 * size of the -wal file.
 */

const WAL_BOUND = 16 * 1024 * 1024;
const TARGET_DB_BYTES = 3 * WAL_BOUND;

const dirs: string[] = [];
let server: ChildServer | null = null;
afterAll(async () => {
  await server?.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('WAL size', () => {
  it(`stays under ${WAL_BOUND >> 20} MiB while ${TARGET_DB_BYTES >> 20} MiB are written`, async () => {
    const dataDir = makeTempDir();
    dirs.push(dataDir);
    server = await ChildServer.start(testServerOptions(dataDir, { messageRate: null }));
    const s = server;
    const world = await makeWorld(s, 8, 'wal');
    const pad = ' '.padEnd(3000, 'w');
    const writers = world.members.map((m) => new StormClient(m, world.roomId, 16, pad));
    await Promise.all(writers.map((c) => c.connect(s.wsUrl)));
    for (const c of writers) c.startSending(true);

    const size = (f: string) => {
      try {
        return fs.statSync(f).size;
      } catch {
        return 0;
      }
    };
    let maxWal = 0;
    let samples = 0;
    // Written volume = what reached the database file through checkpoints plus what sits in the WAL; a
    // server that never checkpoints grows its WAL past the bound before this reaches the target.
    const acked = () => writers.reduce((n, c) => n + [...c.sent.values()].filter((m) => m.ack).length, 0);
    await waitUntil(
      () => {
        const wal = size(`${s.dbPath}-wal`);
        maxWal = Math.max(maxWal, wal);
        samples++;
        return wal + size(s.dbPath) >= TARGET_DB_BYTES;
      },
      120_000,
      `${TARGET_DB_BYTES >> 20} MiB of messages`,
    );
    for (const c of writers) c.close();
    const dbSize = size(s.dbPath);
    console.log(`wal: max -wal ${(maxWal / 1048576).toFixed(1)} MiB over ${samples} samples; db ${(dbSize / 1048576).toFixed(1)} MiB; ${acked()} messages`);
    expect(s.alive).toBe(true);
    expect(maxWal).toBeLessThan(WAL_BOUND);
    await s.close();
  }, 150_000);
});
