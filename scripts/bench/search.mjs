#!/usr/bin/env node
// Message search at scale: a store of N messages (default 1 000 000) in 1 000 rooms, built straight through
// the SQLite storage adapter (its repositories and migrations, so the search indexes are filled by the same
// triggers as in production), then word and CJK queries through the search service for a user who is in
// 10 % of the rooms. Prints p50/p95/max per query kind. The built store is cached under the temp dir, keyed
// by its size and generator version, so only the first run pays for the build.
//
//   node scripts/bench/search.mjs [--messages N] [--queries N] [--rebuild]
//
// Needs no build step: the server's TypeScript is bundled on the fly with esbuild (a dev dependency).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bundleServer, rng } from './lib/server-source.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GENERATOR = 'v1';
const ROOMS = 1000;
const USERS = 200;
/** The bench user is in every tenth room: 10 % of the rooms (and so of the messages). */
const VISIBLE_EVERY = 10;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) {
    process.stderr.write(`search.mjs: ${name} wants a positive integer\n`);
    process.exit(2);
  }
  return v;
}
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('usage: node scripts/bench/search.mjs [--messages N (1000000)] [--queries N (200)] [--rebuild] [--slowest]\n');
  process.exit(0);
}
const MESSAGES = arg('--messages', 1_000_000);
const QUERIES = arg('--queries', 200);

const loadServer = () => bundleServer('search', ['createServices']);


/** Zipf-like pick of an index below n: a few items are common, most are rare, as words are in chat. */
const zipf = (r, n) => Math.min(n - 1, Math.floor(Math.exp(r() * Math.log(n + 1)) - 1));

const SYLLABLES = ['ka', 'to', 'ri', 'me', 'lo', 'sa', 'ne', 'vi', 'du', 'po', 'ga', 'shi', 'ran', 'tek', 'mor', 'bel', 'fin', 'qu', 'zor', 'lin'];
function vocabulary(r, n) {
  const words = new Set();
  while (words.size < n) {
    let w = '';
    for (let k = 1 + Math.floor(r() * 3); k >= 0; k--) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}
// Common Han characters and the hiragana: Chinese and Japanese text without spaces between words.
const HAN = Array.from({ length: 3000 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7) % 20000)));
const KANA = Array.from({ length: 83 }, (_, i) => String.fromCodePoint(0x3041 + i));

function messageText(r, words) {
  if (r() < 0.2) {
    let s = '';
    for (let k = 8 + Math.floor(r() * 16); k > 0; k--) s += r() < 0.3 ? KANA[zipf(r, KANA.length)] : HAN[zipf(r, HAN.length)];
    return s;
  }
  const parts = [];
  for (let k = 4 + Math.floor(r() * 12); k > 0; k--) parts.push(words[zipf(r, words.length)]);
  return parts.join(' ');
}

function buildStore(SqliteStorage, dir) {
  const t0 = performance.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const store = SqliteStorage.open(dir, { synchronous: 'normal' });
  const r = rng(42);
  const words = vocabulary(r, 20_000);
  const tx = (fn) => store.db.transaction(fn).immediate();
  // Build speed only: a big page cache, and no incremental index merging while loading (one merge at the end;
  // the setting is restored to FTS5's default before the store is used).
  store.db.pragma('cache_size = -262144');
  const automerge = (n) =>
    store.db.exec(`INSERT INTO messages_fts_word (messages_fts_word, rank) VALUES ('automerge', ${n});
                   INSERT INTO messages_fts_tri (messages_fts_tri, rank) VALUES ('automerge', ${n});`);
  automerge(0);
  tx(() => {
    for (let u = 0; u < USERS; u++) {
      store.users.insert({ id: `u${u}`, username: `user${u}`, nickname: `user${u}`, passwordHash: 'x', createdAt: 0 });
    }
    for (let k = 0; k < ROOMS; k++) {
      store.rooms.insert({ id: `r${k}`, name: `room${k}`, topic: '', kind: 'text', categoryId: null, position: k, restrictedTo: null, createdBy: null, createdAt: 0, autoJoin: false });
      // Everyone else is in every room; the bench user (u0) only in every tenth.
      for (let u = 1; u < 4; u++) store.rooms.addMember(`r${k}`, `u${u}`);
      if (k % VISIBLE_EVERY === 0) store.rooms.addMember(`r${k}`, 'u0');
    }
  });
  const BATCH = 20_000;
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < MESSAGES; i += BATCH) {
    tx(() => {
      for (let j = i; j < Math.min(MESSAGES, i + BATCH); j++) {
        const order = j + 1;
        store.messages.insert({
          id: `m${order}`,
          roomId: `r${Math.floor(r() * ROOMS)}`,
          authorId: `u${1 + Math.floor(r() * 3)}`,
          text: messageText(r, words),
          nonce: null,
          action: false,
          mentions: [],
          order,
          createdAt: start + order * 1000,
          editedAt: null,
          deleted: false,
        });
      }
    });
    if ((i / BATCH) % 10 === 0) process.stderr.write(`  ${Math.min(MESSAGES, i + BATCH)} / ${MESSAGES} messages\n`);
  }
  // New messages wait in search_pending (the server tokenises them in batches off the send path): index them
  // all now, in one pass, as the server would have by the time anyone searches.
  tx(() => store.search.indexPending(MESSAGES));
  automerge(4);
  store.db.pragma('optimize');
  // Merge the index segments as a long-running server's automerge would have by now.
  store.db.exec("INSERT INTO messages_fts_word (messages_fts_word) VALUES ('optimize'); INSERT INTO messages_fts_tri (messages_fts_tri) VALUES ('optimize');");
  store.close();
  fs.writeFileSync(path.join(dir, 'built'), JSON.stringify({ messages: MESSAGES, seconds: (performance.now() - t0) / 1000 }));
  return (performance.now() - t0) / 1000;
}

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (ms) => `${ms.toFixed(2)} ms`;

async function main() {
  const { SqliteStorage, createServices } = await loadServer();
  const dir = path.join(os.tmpdir(), `od-search-bench-${GENERATOR}-${MESSAGES}`);
  const built = path.join(dir, 'built');
  if (process.argv.includes('--rebuild') || !fs.existsSync(built)) {
    process.stderr.write(`building ${MESSAGES} messages in ${ROOMS} rooms under ${dir} …\n`);
    const s = buildStore(SqliteStorage, dir);
    process.stderr.write(`built in ${s.toFixed(1)} s\n`);
  } else {
    process.stderr.write(`reusing ${dir} (built in ${JSON.parse(fs.readFileSync(built, 'utf8')).seconds.toFixed(1)} s)\n`);
  }
  const store = SqliteStorage.open(dir);
  // A store built by an older version may still have messages waiting to be indexed (or a migration may
  // have rebuilt an index): index them and merge the segments before measuring, as at the end of a build.
  if (store.search.hasPending()) {
    process.stderr.write('indexing the messages still pending …\n');
    store.db.transaction(() => store.search.indexPending(MESSAGES)).immediate();
    store.db.exec("INSERT INTO messages_fts_word (messages_fts_word) VALUES ('optimize'); INSERT INTO messages_fts_tri (messages_fts_tri) VALUES ('optimize');");
  }
  const services = await createServices({
    storage: store,
    now: Date.now,
    newId: () => 'x',
    log: () => {},
    snapshotThreshold: 10_000,
    auth: { secret: Buffer.alloc(32), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
  });
  // Queries drawn from the same generator: words of every frequency, CJK substrings of 3 and 4 characters
  // taken from stored messages (so most hit somewhere, though often only in rooms the user is not in).
  const r = rng(7);
  const words = vocabulary(rng(42), 20_000);
  const sample = store.db.prepare('SELECT text FROM messages WHERE rowid = ?');
  const cjkQueries = [];
  while (cjkQueries.length < QUERIES) {
    const t = sample.get(1 + Math.floor(r() * MESSAGES))?.text ?? '';
    if (!/[\u4e00-\u9fff\u3041-\u3093]/.test(t)) continue;
    const len = 3 + Math.floor(r() * 2);
    const at = Math.floor(r() * Math.max(1, t.length - len));
    cjkQueries.push(t.slice(at, at + len));
  }
  // And CJK terms made of the commonest characters: many matches, the index's heavy case.
  const common = Array.from({ length: QUERIES }, () => {
    let q = '';
    for (let k = 0; k < 3; k++) q += HAN[zipf(r, 40)];
    return q;
  });
  const kinds = {
    word: Array.from({ length: QUERIES }, () => words[zipf(r, 5000)]),
    'prefix (word*)': Array.from({ length: QUERIES }, () => `${words[zipf(r, 5000)].slice(0, 4)}*`),
    'two words': Array.from({ length: QUERIES }, () => `${words[zipf(r, 2000)]} ${words[zipf(r, 2000)]}`),
    'CJK (3–4 chars)': cjkQueries,
    'CJK (3 common chars)': common,
    'CJK (2 chars, scan)': cjkQueries.slice(0, Math.max(10, Math.floor(QUERIES / 4))).map((q) => q.slice(0, 2)),
  };
  const rows = [];
  for (const [kind, queries] of Object.entries(kinds)) {
    for (const q of queries.slice(0, 10)) await services.search.messages('u0', { query: q });
    const times = [];
    let hits = 0;
    for (const q of queries) {
      const t = performance.now();
      const res = await services.search.messages('u0', { query: q });
      times.push(performance.now() - t);
      hits += res.hits.length;
    }
    if (process.argv.includes('--slowest')) {
      const slow = queries.map((q, i) => [times[i], q]).sort((a, b) => b[0] - a[0]).slice(0, 5);
      process.stderr.write(`${kind} slowest: ${slow.map(([t, q]) => `${q} ${t.toFixed(1)} ms`).join(', ')}\n`);
    }
    times.sort((a, b) => a - b);
    rows.push([kind, String(queries.length), fmt(pct(times, 50)), fmt(pct(times, 95)), fmt(times[times.length - 1]), (hits / queries.length).toFixed(1)]);
  }
  store.close();
  const header = ['query', 'n', 'p50', 'p95', 'max', 'hits/query'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(w[i])).join('  ');
  process.stdout.write(`search over ${MESSAGES} messages, ${ROOMS} rooms, user in ${ROOMS / VISIBLE_EVERY} of them (limit 20, newest first)\n`);
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
}

await main();
