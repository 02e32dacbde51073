import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointWorker } from '../src/adapters/sqlite/checkpoint-worker.js';
import { CheckpointRationer } from '../src/adapters/sqlite/checkpoints.js';
import { DB_FILE, openDatabase } from '../src/adapters/sqlite/db.js';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import { tempDir, until } from './helpers.js';

/*
 * WAL checkpoints on a worker thread with its own connection (real SQLite files): a PASSIVE pass there copies
 * what the main connection committed into the database file, the main connection keeps committing meanwhile,
 * and closing lets the main connection be the last one, so it folds the log back and removes it.
 */
const dirs: string[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function scratch() {
  const dir = tempDir();
  dirs.push(dir);
  const db = openDatabase(dir);
  // Only the checkpoints under test copy pages into the file.
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE IF NOT EXISTS scratch (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO scratch (body) VALUES (?)');
  const write = (rows: number) =>
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(2000));
    })();
  cleanups.push(() => db.open && db.close());
  return { dir, db, write, wal: path.join(dir, `${DB_FILE}-wal`) };
}

describe('checkpoint worker', () => {
  it('copies every committed frame into the database file off the main thread; the next commit restarts the log', async () => {
    const { db, write, wal } = scratch();
    const worker = new CheckpointWorker(db.name);
    cleanups.push(() => worker.close());
    write(500);
    const r = await worker.passive();
    expect(r).not.toBeNull();
    expect(r!.busy).toBe(false);
    expect(r!.walFrames).toBeGreaterThan(200);
    expect(r!.checkpointedFrames).toBe(r!.walFrames);
    // Fully copied: the next writer starts the log again from its beginning instead of appending.
    write(1);
    const again = db.pragma('wal_checkpoint(PASSIVE)', { simple: false }) as Array<{ log: number }>;
    expect(again[0]!.log).toBeLessThan(10);
    expect(fs.statSync(wal).size).toBeGreaterThan(0);
    expect(db.prepare('SELECT COUNT(*) AS n FROM scratch').get()).toEqual({ n: 501 });
  });

  it('lets the main connection close last: it folds the log back and the -wal file is gone', async () => {
    const { db, write, wal } = scratch();
    const worker = new CheckpointWorker(db.name);
    write(100);
    await worker.passive();
    worker.close();
    expect(await worker.passive()).toBeNull();
    write(10);
    db.close();
    expect(fs.existsSync(wal)).toBe(false);
  });

  it('a worker that cannot open the file fails its pass; the rationer then checkpoints on the main thread', async () => {
    const { db, write } = scratch();
    const errors: unknown[] = [];
    const elsewhere = tempDir();
    dirs.push(elsewhere);
    const missing = new CheckpointWorker(path.join(elsewhere, 'no-such.sqlite'));
    let mainRuns = 0;
    const rationer = new CheckpointRationer(
      `${db.name}-wal`,
      (mode) => {
        mainRuns++;
        const row = (db.pragma(`wal_checkpoint(${mode})`, { simple: false }) as Array<{ busy: number; log: number; checkpointed: number }>)[0]!;
        return { busy: row.busy !== 0, walFrames: row.log, checkpointedFrames: row.checkpointed };
      },
      (e) => errors.push(e),
      missing,
    );
    cleanups.push(() => rationer.stop());
    // Over a MiB: a pass the rationer gives to the worker.
    write(1000);
    rationer.committed();
    await until(() => errors.length === 1, 'the failed background pass');
    // Falls back: the TRUNCATE the retention scrub asks for runs here, and nothing is left in the log.
    const r = await rationer.settle('TRUNCATE');
    expect(mainRuns).toBe(1);
    expect(r).toMatchObject({ busy: false, walFrames: 0 });
  });

  it('a storage commits while its background passes run, and its scrub leaves an empty -wal file', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const store = SqliteStorage.open(dir);
    cleanups.push(() => store.close());
    const db = store.db;
    db.exec('CREATE TABLE scratch (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO scratch (body) VALUES (?)');
    // Units of work through the storage's own commit path (each commit may start a background pass).
    // Over a MiB in all: the scrub's first pass runs on the worker.
    for (let i = 0; i < 400; i++) {
      await store.runBatch(store.events.head(), [{ run: () => void insert.run('y'.repeat(4000)), rolledBack: () => {} }], () => {});
    }
    expect(await store.retention.scrub()).toBe(true);
    expect(fs.statSync(path.join(dir, `${DB_FILE}-wal`)).size).toBe(0);
    expect(db.prepare('SELECT COUNT(*) AS n FROM scratch').get()).toEqual({ n: 400 });
  });
});
