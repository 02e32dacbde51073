#!/usr/bin/env node
// Search repository on both engines: the same N messages (default 100 000, 200 rooms, 10 % of them CJK) in a
// SQLite store and in a PostgreSQL database (a cluster of its own, started and stopped by PID, fsync on), both
// indexed through their repositories' pending-index path; then the same queries on each through the search
// repository (the allowed rooms: every tenth room). Prints indexing time and p50/p95 per query kind per
// engine, and the PostgreSQL/SQLite ratio.
//
//   node scripts/bench/pg-search.mjs [--messages N] [--queries N] [--ctype C.UTF-8|C]
//
// Needs PostgreSQL's binaries (/usr/lib/postgresql/*/bin) and no build step (esbuild bundles the sources).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rng } from './lib/server-source.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const MESSAGES = arg('--messages', 100_000);
const QUERIES = arg('--queries', 100);
const ROOMS = 200;
/** The database's LC_CTYPE: pg_trgm takes trigrams of what it calls letters (under C, no CJK character is one). */
const CTYPE = (() => {
  const i = process.argv.indexOf('--ctype');
  return i < 0 ? 'C.UTF-8' : process.argv[i + 1];
})();

async function load() {
  const { build } = await import('esbuild');
  const out = path.join(root, 'node_modules', '.cache', `od-pgsearch-bench-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: `export { SqliteStorage } from './packages/server/src/adapters/sqlite/storage.ts';
                 export { PgDb } from './packages/server/src/adapters/postgres/db.ts';
                 export { migrate } from './packages/server/src/adapters/postgres/migrations.ts';
                 export { FEATURE_SCHEMA_LIST } from './packages/server/src/adapters/postgres/schema/features.ts';
                 export { PgSearchRepo } from './packages/server/src/adapters/postgres/search-repo.ts';
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
    external: ['better-sqlite3', 'pg', 'ws', 'bcryptjs', 'jsonwebtoken', 'zod', 'commander', 'unicode-confusables', 'sharp', 'vitest'],
    logLevel: 'error',
  });
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    fs.rmSync(out, { force: true });
  }
}

const SYL = ['ka', 'to', 'ri', 'me', 'lo', 'sa', 'ne', 'vi', 'du', 'po', 'ga', 'shi', 'ran', 'tek', 'mor', 'bel', 'fin', 'qu', 'zor', 'lin'];
const CJK = [...'東京大阪京都日本語中文字学生先生会社時間今日明日電車駅前新聞雨雪山川海空花鳥風月'];

function corpus() {
  const r = rng(16);
  const vocab = Array.from({ length: 3000 }, () => Array.from({ length: 2 + Math.floor(r() * 3) }, () => SYL[Math.floor(r() * SYL.length)]).join(''));
  const zipf = (n) => Math.min(n - 1, Math.floor(Math.exp(r() * Math.log(n + 1)) - 1));
  const rows = [];
  for (let i = 1; i <= MESSAGES; i++) {
    const cjk = r() < 0.1;
    const text = cjk
      ? Array.from({ length: 6 + Math.floor(r() * 14) }, () => CJK[zipf(CJK.length)]).join('')
      : Array.from({ length: 4 + Math.floor(r() * 12) }, () => vocab[zipf(vocab.length)]).join(' ');
    rows.push({ id: `m${i}`, room: `r${Math.floor(r() * ROOMS)}`, order: i, text, at: i * 1000 });
  }
  return { rows, vocab };
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

async function main() {
  const m = await load();
  const { rows, vocab } = corpus();
  const visible = Array.from({ length: ROOMS / 10 }, (_, i) => `r${i * 10}`);
  const r = rng(7);
  const pick = (list) => list[Math.floor(r() * Math.min(list.length, 300))];
  const kinds = {
    word: () => ({ terms: [{ text: pick(vocab), prefix: false }], substring: false }),
    'two words': () => ({ terms: [{ text: pick(vocab), prefix: false }, { text: pick(vocab), prefix: false }], substring: false }),
    prefix: () => ({ terms: [{ text: pick(vocab).slice(0, 3), prefix: true }], substring: false }),
    'CJK 1-2 chars': () => ({ terms: [{ text: CJK.slice(0, 12)[Math.floor(r() * 12)], prefix: false }], substring: true }),
    'CJK 3+ chars': () => ({ terms: [{ text: CJK.slice(0, 6).join('').slice(Math.floor(r() * 3), Math.floor(r() * 3) + 3), prefix: false }], substring: true }),
  };
  const queries = Object.fromEntries(Object.entries(kinds).map(([k, f]) => [k, Array.from({ length: QUERIES }, f)]));
  const ask = (q) => ({ ...q, roomIds: visible, authorId: null, before: null, after: null, cursor: null, limit: 20 });

  const results = {};
  // SQLite.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-pgsearch-'));
  const lite = m.SqliteStorage.open(dir);
  lite.db.exec("INSERT INTO users (id, username, nickname, nickname_lc, password_hash, created_at) VALUES ('u', 'u', 'u', 'u', 'x', 1)");
  const room = lite.db.prepare("INSERT INTO rooms (id, name, created_at) VALUES (?, ?, 1)");
  for (let i = 0; i < ROOMS; i++) room.run(`r${i}`, `r${i}`);
  const ins = lite.db.prepare("INSERT INTO messages (id, room_id, author_id, text, event_order, created_at) VALUES (?, ?, 'u', ?, ?, ?)");
  lite.db.transaction(() => rows.forEach((x) => ins.run(x.id, x.room, x.text, x.order, x.at)))();
  let t = performance.now();
  lite.db.transaction(() => {
    while (lite.search.hasPending()) lite.search.indexPending(2000);
  })();
  results.sqlite = { index: performance.now() - t, q: {} };
  for (const [k, qs] of Object.entries(queries)) {
    const times = [];
    for (const q of qs) {
      const s = performance.now();
      lite.search.messages(ask(q));
      times.push(performance.now() - s);
    }
    results.sqlite.q[k] = times;
  }
  lite.close();
  fs.rmSync(dir, { recursive: true, force: true });

  // PostgreSQL.
  const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-pgsearch-pg-'));
  fs.chmodSync(pgDir, 0o755);
  const cluster = await m.startCluster(pgDir, { fsync: 'on' });
  try {
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE od_bench TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE '${CTYPE.replace(/'/g, '')}'`);
    await admin.end();
    const url = m.withDatabase(cluster.adminUrl, 'od_bench');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await m.migrate(client);
    if ((await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'message_reactions'")).rowCount === 0) {
      await client.query(m.FEATURE_SCHEMA_LIST.join('\n'));
    }
    await client.query("INSERT INTO users (id, username, nickname, nickname_lc, password_hash, created_at) VALUES ('u', 'u', 'u', 'u', 'x', 1)");
    await client.query("INSERT INTO rooms (id, name, created_at) SELECT 'r' || i, 'r' || i, 1 FROM generate_series(0, $1) i", [ROOMS - 1]);
    for (let i = 0; i < rows.length; i += 5000) {
      const b = rows.slice(i, i + 5000);
      await client.query(
        `INSERT INTO messages (id, room_id, author_id, text, event_order, created_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])`,
        [b.map((x) => x.id), b.map((x) => x.room), b.map(() => 'u'), b.map((x) => x.text), b.map((x) => x.order), b.map((x) => x.at)],
      );
    }
    await client.end();
    const db = new m.PgDb(url, { max: 2 });
    const search = new m.PgSearchRepo(db);
    t = performance.now();
    while (await search.hasPending()) await search.indexPending(2000);
    results.postgres = { index: performance.now() - t, q: {} };
    await db.run('VACUUM ANALYZE message_search');
    await db.run('ANALYZE messages');
    for (const [k, qs] of Object.entries(queries)) {
      const times = [];
      for (const q of qs) {
        const s = performance.now();
        await search.messages(ask(q));
        times.push(performance.now() - s);
      }
      results.postgres.q[k] = times;
    }
    if (process.argv.includes('--explain')) {
      // The plan of each kind's slowest query, with the SQL the repository sent (logged through a wrapper).
      const sent = [];
      const spy = { rows: (sql, p) => (sent.push([sql, p]), db.rows(sql, p)), row: (sql, p) => db.row(sql, p), run: (sql, p) => db.run(sql, p) };
      const traced = new m.PgSearchRepo(spy);
      for (const [k, qs] of Object.entries(queries)) {
        const times = results.postgres.q[k];
        const slowest = qs[times.indexOf(Math.max(...times))];
        sent.length = 0;
        await traced.messages(ask(slowest));
        const [sql, params] = sent[sent.length - 1];
        const plan = await db.rows(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
        console.log(`--- ${k}: ${JSON.stringify(slowest.terms)}`);
        for (const r of plan) console.log(r['QUERY PLAN']);
      }
    }
    await db.close();
  } finally {
    await m.stopPid(cluster.pid);
    fs.rmSync(pgDir, { recursive: true, force: true });
  }

  const f = (x) => x.toFixed(2).padStart(8);
  console.log(`search repository, ${MESSAGES} messages in ${ROOMS} rooms (10 % CJK), allowed rooms ${visible.length}, ${QUERIES} queries per kind, PostgreSQL LC_CTYPE ${CTYPE}`);
  console.log(`indexing (tokenise the pending messages): SQLite ${(results.sqlite.index / 1000).toFixed(1)} s, PostgreSQL ${(results.postgres.index / 1000).toFixed(1)} s`);
  console.log('kind               SQLite p50    p95   PostgreSQL p50    p95   ratio p50');
  for (const k of Object.keys(queries)) {
    const [a, b] = [results.sqlite.q[k], results.postgres.q[k]];
    console.log(`${k.padEnd(16)} ${f(pct(a, 50))} ${f(pct(a, 95))}       ${f(pct(b, 50))} ${f(pct(b, 95))}   ${(pct(b, 50) / pct(a, 50)).toFixed(1)}x`);
  }
  console.log('(milliseconds)');
}

await main();
