import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { stats, vacuum } from '../src/cli/operate.js';
import { Harness, makeOwner, member } from './community-support.js';
import { statusFile } from '../src/ops/status-file.js';

/*
 * Space comes back after deletions: a new database file is in incremental auto-vacuum mode and the retention
 * sweep's upkeep hands the freed pages back (the file shrinks, live); an older file keeps its size until
 * `od-server vacuum` (server stopped) rewrites it in that mode. `od-server stats` says which, and how much is
 * free. Real sockets, real SQLite files, an injected clock.
 */
const h = new Harness();
afterEach(() => h.release());

const DAY = 86_400_000;
const T0 = Date.now();
const fileBytes = (dir: string) => fs.statSync(path.join(dir, 'od.sqlite')).size;
const walBytes = (dir: string) => (fs.existsSync(path.join(dir, 'od.sqlite-wal')) ? fs.statSync(path.join(dir, 'od.sqlite-wal')).size : 0);

/** A server with a week's retention and a room holding `n` long messages, all expired by `clock.now += 8 days`. */
async function filled(n: number) {
  const clock = { now: T0 };
  const server = await h.server({ now: () => clock.now, accessTokenTtlSec: 3650 * 86_400, retentionSec: 7 * 86_400, retentionSweepMs: 1e9, messageRate: null, frameRate: { perSec: 1e6, burst: 1e6 } });
  const alice = await member(server.url, 'alice');
  await makeOwner(server, alice.id);
  const a = await h.connect(server.url, alice.token);
  const { room } = await a.call('room.create', { name: 'bulky' });
  // Distinct words: every message adds search index pages as well as its row.
  const filler = (i: number) => Array.from({ length: 60 }, (_, k) => `w${i}x${k}`).join(' ');
  // Fifty in flight at a time: a connection may not have more requests outstanding.
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => a.call('message.send', { roomId: room.id, text: filler(i + k), nonce: `n${i + k}` })));
  }
  return { server, clock, a, room };
}

describe('database space', () => {
  it('a new file is incremental, and a sweep hands the freed pages back: the file shrinks while the server runs', async () => {
    const { server, clock } = await filled(1500);
    const db = server.app.storage.db;
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const before = fileBytes(server.dataDir);
    clock.now += 8 * DAY;
    const report = await server.app.services.retention.sweep();
    expect(report.rooms[0]!.messages).toBe(1500);
    expect(report.scrubbed).toBe(true);
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    const after = fileBytes(server.dataDir) + walBytes(server.dataDir);
    // Much of the file was those messages, their log payloads and their index entries (tombstones, the
    // schema and the search indexes' structure stay).
    expect(after).toBeLessThan(before * 0.7);
    expect(stats(server.dataDir)).toMatch(/^free space\s+0\.0 MB free in the file \(handed back by the server after each retention sweep\)$/m);
  });

  it('an older file (no auto-vacuum) keeps its size; od-server vacuum, while stopped, gives it back and converts it', async () => {
    const { server, clock } = await filled(600);
    const dir = server.dataDir;
    // Make it a file of before this change: auto_vacuum none, as every file was.
    const db = server.app.storage.db;
    db.pragma('auto_vacuum = NONE');
    db.exec('VACUUM');
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(0);
    clock.now += 8 * DAY;
    await server.app.services.retention.sweep();
    const free = (db.pragma('freelist_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
    expect(free).toBeGreaterThan(100_000);
    expect(stats(dir)).toMatch(/^free space\s+[\d.]+ MB free in the file, kept \(auto_vacuum none\): `od-server vacuum` while stopped/m);
    // While it runs, the command refuses (wait for the status file that says it runs).
    while (!fs.existsSync(statusFile(dir))) await new Promise((r) => setTimeout(r, 10));
    expect(vacuum(dir)).toMatchObject({ ok: false, report: expect.stringMatching(/server is running .* stop it first/) });
    await server.close();
    const before = fileBytes(dir) + walBytes(dir);
    const r = vacuum(dir);
    expect(r.ok).toBe(true);
    expect(r.report).toMatch(/auto_vacuum none → incremental/);
    // At least the free pages are gone from the file (and the log is empty).
    expect(fileBytes(dir)).toBeLessThanOrEqual(before - free);
    expect(walBytes(dir)).toBe(0);
    const check = new Database(path.join(dir, 'od.sqlite'), { readonly: true });
    try {
      expect(check.pragma('auto_vacuum', { simple: true })).toBe(2);
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.pragma('freelist_count', { simple: true })).toBe(0);
    } finally {
      check.close();
    }
  });
});
