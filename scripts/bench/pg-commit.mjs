#!/usr/bin/env node
// Persisted messages per second through the storage port's group commit, PostgreSQL vs SQLite, in one run:
// batches of 1, 10 and 100 messages (each a message row plus its message.created event, as a send writes),
// with 1 and 2 writer processes on the same store (2 writers on PostgreSQL: two nodes contending for the one
// head row; on SQLite: two processes contending for the file's write lock).
//
//   node scripts/bench/pg-commit.mjs [--seconds 2] [--database postgres://…]
//
// Without --database a PostgreSQL is started for the run (Debian's binaries, as the tests do) with fsync ON,
// like SQLite's synchronous=FULL here: both acknowledge only what survives a power cut.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '../..');

async function bundle() {
  const { build } = await import('esbuild');
  const out = path.join(root, 'node_modules', '.cache', `od-pg-commit-bench-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: `export { SqliteStorage } from './packages/server/src/adapters/sqlite/storage.ts';
                 export { PostgresStorage } from './packages/server/src/adapters/postgres/storage.ts';
                 export { startCluster, stopPid, withDatabase } from './packages/server/test/pg/cluster.ts';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    alias: { '@open-discord/protocol': path.join(root, 'packages/protocol/src/index.ts') },
    external: ['better-sqlite3', 'pg', 'ws', 'bcryptjs', 'jsonwebtoken', 'zod', 'commander', 'unicode-confusables', 'sharp'],
    logLevel: 'error',
  });
  return out;
}

const open = (m, engine, where) => (engine === 'sqlite' ? m.SqliteStorage.open(where) : m.PostgresStorage.open(where, { max: 4 }));

/** One writer: batches of `size` sends, back to back, for `ms` after the parent says go. */
async function writer([modFile, engine, where, size, ms, tag]) {
  const m = await import(pathToFileURL(modFile).href);
  const store = await open(m, engine, where);
  let head = await store.events.head();
  let n = 0;
  const step = {
    async run(uow) {
      const id = `${tag}-${++n}`;
      const ev = uow.append(
        { id: `e${id}`, type: 'message.created', roomId: 'room', actorId: 'author', targetUserId: null, createdAt: Date.now() },
        (order) => ({ message: { id, roomId: 'room', authorId: 'author', text: `message ${id}`, order, createdAt: 0 } }),
      );
      await store.messages.insert({
        id, roomId: 'room', authorId: 'author', text: `message ${id}`, nonce: null, action: false, mentions: [],
        order: ev.order, createdAt: ev.createdAt, editedAt: null, deleted: false, threadId: null, alsoInRoom: false, thread: null,
      });
    },
    rolledBack() {},
  };
  process.send({ ready: true });
  await new Promise((resolve) => process.once('message', resolve));
  const end = performance.now() + Number(ms);
  let persisted = 0;
  while (performance.now() < end) {
    const r = await store.runBatch(head, Array.from({ length: Number(size) }, () => step), () => {});
    if (r.outcomes.some((o) => !o.ok)) throw new Error(String(r.outcomes.find((o) => !o.ok).error));
    persisted += Number(size);
    head = Math.max(head + Number(size), ...r.foreign.map((e) => e.order));
  }
  await store.close();
  process.send({ persisted });
}

/** A store with the author and room the writers' messages reference. */
async function prepare(m, engine, where) {
  const store = await open(m, engine, where);
  await store.transaction(async () => {
    await store.users.insert({ id: 'author', username: 'author', nickname: 'author', passwordHash: 'x', createdAt: 0 });
    await store.rooms.insert({
      id: 'room', name: 'bench', topic: '', kind: 'text', categoryId: null, position: 0, restrictedTo: null, createdBy: null, createdAt: 0, autoJoin: false,
      retentionSec: null, expiredThrough: 0,
    });
  });
  await store.close();
}

async function run(m, modFile, engine, where, size, writers, ms) {
  const children = Array.from({ length: writers }, (_, i) =>
    fork(here, ['--writer', modFile, engine, where, String(size), String(ms), `w${i}s${size}`], { stdio: 'inherit' }),
  );
  const messages = children.map((c) => {
    const queue = [];
    const waiting = [];
    c.on('message', (msg) => (waiting.length ? waiting.shift()(msg) : queue.push(msg)));
    c.on('exit', (code) => code && waiting.splice(0).forEach((w) => w({ error: `writer exited ${code}` })));
    return () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r)));
  });
  await Promise.all(messages.map((next) => next()));
  const t0 = performance.now();
  for (const c of children) c.send('go');
  const results = await Promise.all(messages.map((next) => next()));
  const secs = (performance.now() - t0) / 1000;
  for (const r of results) if (r.error) throw new Error(r.error);
  const total = results.reduce((a, r) => a + r.persisted, 0);
  // The log must be gap-free however the writers interleaved.
  const store = await open(m, engine, where);
  const head = await store.events.head();
  const rows = await store.events.range(0, head);
  await store.close();
  if (rows.length !== head || rows.some((e, i) => e.order !== i + 1)) throw new Error(`${engine}: the log has gaps`);
  return total / secs;
}

async function main() {
  const args = process.argv.slice(2);
  const seconds = Number(args[args.indexOf('--seconds') + 1] ?? 2) || 2;
  const given = args.includes('--database') ? args[args.indexOf('--database') + 1] : process.env.OD_BENCH_PG_URL;
  const modFile = await bundle();
  const m = await import(pathToFileURL(modFile).href);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'od-pg-commit-'));
  // PostgreSQL runs as its own user when we are root: it must reach its cluster inside.
  fs.chmodSync(tmp, 0o755);
  let cluster = null;
  try {
    let adminUrl = given;
    if (!adminUrl) {
      cluster = await m.startCluster(path.join(tmp, 'pg'), { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' });
      adminUrl = cluster.adminUrl;
    }
    const pg = (await import('pg')).default;
    const results = [];
    let k = 0;
    for (const writers of [1, 2]) {
      for (const size of [1, 10, 100]) {
        const dir = path.join(tmp, `sqlite-${++k}`);
        await prepare(m, 'sqlite', dir);
        const db = `od_bench_${process.pid}_${k}`;
        const admin = new pg.Client({ connectionString: adminUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${db}`);
        const url = m.withDatabase(adminUrl, db);
        await prepare(m, 'postgres', url);
        const sqlite = await run(m, modFile, 'sqlite', dir, size, writers, seconds * 1000);
        const postgres = await run(m, modFile, 'postgres', url, size, writers, seconds * 1000);
        await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
        await admin.end();
        results.push({ writers, batch: size, sqlite, postgres });
        console.log(
          `writers=${writers} batch=${String(size).padStart(3)}  SQLite ${Math.round(sqlite).toString().padStart(7)} msg/s  ` +
            `PostgreSQL ${Math.round(postgres).toString().padStart(7)} msg/s  (PostgreSQL/SQLite ${(postgres / sqlite).toFixed(2)})`,
        );
      }
    }
    console.log(`cores: ${os.cpus().length}, ${seconds} s per figure, fsync on for both engines`);
  } finally {
    if (cluster) await m.stopPid(cluster.pid);
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(modFile, { force: true });
  }
}

if (process.argv[2] === '--writer') await writer(process.argv.slice(3));
else await main();
