#!/usr/bin/env node
// Forum boards at scale: a store of N posts (default 1 000 000) on 100 boards, one of them holding 100 000,
// built straight through the SQLite storage adapter (its repositories and migrations), each post with one to
// three hashtags drawn from 2 000 (a few common, most rare). Half the boards are restricted to a role the
// bench user does not hold, so every list is filtered by visibility. Then, through the services:
//   - a board's first page (latest activity, newest, and filtered by a tag) on the 100 000-post board;
//   - tag search (`post.tagged`) over every board the user can see, for common and rare tags;
//   - plain message fan-out cost: sends in a text room before and after 1 000 people follow the sender
//     (following is pulled by the feed, never pushed, so the ratio should stay 1);
//   - the inbox: a post by that followed user (acknowledged after its own step; its 1 000 inbox items are
//     written after the commit, a chunk per step), the time until the last follower's item is written, and a
//     follower's `inbox.list`.
// Prints p50/p95/max per case. The built store is cached under the temp dir, keyed by size and generator.
//
//   node scripts/bench/forum.mjs [--posts N] [--queries N] [--rebuild]
//
// Needs no build step: the server's TypeScript is bundled on the fly with esbuild (a dev dependency).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bundleServer, rng } from './lib/server-source.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// v4: opened by a server with the inbox's fan-out outbox; a store newer servers migrated is never opened by older ones.
const GENERATOR = 'v4';
const BOARDS = 100;
const BIG_BOARD_POSTS = 100_000;
const TAGS = 2000;
const USERS = 1100;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v <= 0) {
    process.stderr.write(`forum.mjs: ${name} wants a positive integer\n`);
    process.exit(2);
  }
  return v;
}
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('usage: node scripts/bench/forum.mjs [--posts N (1000000)] [--queries N (200)] [--rebuild]\n');
  process.exit(0);
}
const POSTS = Math.max(arg('--posts', 1_000_000), BIG_BOARD_POSTS);
const QUERIES = arg('--queries', 200);

const loadServer = () => bundleServer('forum', ['createServices']);


const zipf = (r, n) => Math.min(n - 1, Math.floor(Math.exp(r() * Math.log(n + 1)) - 1));

/** Tag names: a few short common ones, then rare ones, with some in other scripts. */
const tagName = (i) => (i % 7 === 3 ? `标签${i}` : i % 11 === 5 ? `тег${i}` : `tag${i}`);

function buildStore(SqliteStorage, dir) {
  const t0 = performance.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const store = SqliteStorage.open(dir, { synchronous: 'normal' });
  store.db.pragma('cache_size = -262144');
  const r = rng(42);
  const tx = (fn) => store.db.transaction(fn).immediate();
  tx(() => {
    for (let u = 0; u < USERS; u++) store.users.insert({ id: `u${u}`, username: `user${u}`, nickname: `user${u}`, passwordHash: 'x', createdAt: 0 });
    store.db.prepare("INSERT INTO roles (id, name, name_lc, color, position, permissions, builtin) VALUES ('staff', 'staff', 'staff', NULL, 5, '[]', 0)").run();
    for (let k = 0; k < BOARDS; k++) {
      // Odd boards are restricted to staff, which the bench user (u0) does not hold.
      store.rooms.insert({ id: `b${k}`, name: `board${k}`, topic: '', kind: 'forum', categoryId: null, position: k, restrictedTo: k % 2 ? ['staff'] : null, createdBy: null, createdAt: 0, autoJoin: false });
    }
    store.rooms.insert({ id: 'lobby', name: 'lobby', topic: '', kind: 'text', categoryId: null, position: BOARDS, restrictedTo: null, createdBy: null, createdAt: 0, autoJoin: false });
    store.rooms.addMember('lobby', 'u1');
  });
  const BATCH = 20_000;
  const start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < POSTS; i += BATCH) {
    tx(() => {
      for (let j = i; j < Math.min(POSTS, i + BATCH); j++) {
        const order = j + 1;
        // Board 0 (visible) gets BIG_BOARD_POSTS spread through the log; the rest go to the others.
        const big = Math.floor(((j + 1) * BIG_BOARD_POSTS) / POSTS) !== Math.floor((j * BIG_BOARD_POSTS) / POSTS);
        const roomId = big ? 'b0' : `b${1 + Math.floor(r() * (BOARDS - 1))}`;
        const authorId = `u${1 + Math.floor(r() * 50)}`;
        const tags = [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => tagName(zipf(r, TAGS))))];
        const createdAt = start + order * 1000;
        store.messages.insert({ id: `p${order}`, roomId, authorId, text: tags.map((t) => `#${t}`).join(' '), nonce: null, action: false, mentions: [], order, createdAt, editedAt: null, deleted: false });
        store.forum.insertPost({ id: `p${order}`, roomId, authorId, title: `post ${order}`, tags, order, createdAt });
        // Some posts had comments since: their latest activity moves later in the log.
        if (r() < 0.1) store.forum.touch(`p${order}`, order + Math.floor(r() * 50_000), createdAt + 1000);
      }
    });
    if ((i / BATCH) % 10 === 0) process.stderr.write(`  ${Math.min(POSTS, i + BATCH)} / ${POSTS} posts\n`);
  }
  // The message search's pending queue is not what this bench measures: leave it empty.
  store.db.exec('DELETE FROM search_pending');
  store.db.pragma('optimize');
  store.close();
  fs.writeFileSync(path.join(dir, 'built'), JSON.stringify({ posts: POSTS, seconds: (performance.now() - t0) / 1000 }));
  return (performance.now() - t0) / 1000;
}

const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (ms) => `${ms.toFixed(2)} ms`;

async function timed(n, fn) {
  for (let i = 0; i < Math.min(10, n); i++) await fn(i);
  const times = [];
  let items = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    items += await fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { n, p50: pct(times, 50), p95: pct(times, 95), max: times[times.length - 1], items: items / n };
}

async function main() {
  const { SqliteStorage, createServices } = await loadServer();
  const dir = path.join(os.tmpdir(), `od-forum-bench-${GENERATOR}-${POSTS}`);
  const built = path.join(dir, 'built');
  if (process.argv.includes('--rebuild') || !fs.existsSync(built)) {
    process.stderr.write(`building ${POSTS} posts on ${BOARDS} boards under ${dir} …\n`);
    const s = buildStore(SqliteStorage, dir);
    process.stderr.write(`built in ${s.toFixed(1)} s\n`);
  } else {
    process.stderr.write(`reusing ${dir} (built in ${JSON.parse(fs.readFileSync(built, 'utf8')).seconds.toFixed(1)} s)\n`);
  }
  const store = SqliteStorage.open(dir);
  // The followed user writes on the big board (which the followers see) for the inbox cases.
  store.rooms.addMember('b0', 'u1');
  let ids = 0;
  const services = await createServices({
    storage: store,
    now: Date.now,
    newId: () => `bench-${process.pid}-${++ids}`,
    log: () => {},
    snapshotThreshold: 10_000,
    auth: { secret: Buffer.alloc(32), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
  });
  const r = rng(7);
  const rows = [];
  const add = (label, t) => rows.push([label, String(t.n), fmt(t.p50), fmt(t.p95), fmt(t.max), t.items.toFixed(1)]);
  add('board first page, latest (100k posts)', await timed(QUERIES, async () => (await services.posts.list('u0', { roomId: 'b0', sort: 'latest' })).posts.length));
  add('board first page, newest (100k posts)', await timed(QUERIES, async () => (await services.posts.list('u0', { roomId: 'b0', sort: 'newest' })).posts.length));
  add('board page by tag, newest (common tags)', await timed(QUERIES, async () => (await services.posts.list('u0', { roomId: 'b0', sort: 'newest', tag: tagName(zipf(r, 20)) })).posts.length));
  add('board page by tag, latest (common tags)', await timed(QUERIES, async () => (await services.posts.list('u0', { roomId: 'b0', sort: 'latest', tag: tagName(zipf(r, 20)) })).posts.length));
  add(`tag search, common tags (${POSTS} posts)`, await timed(QUERIES, async () => (await services.posts.tagged('u0', { tag: tagName(zipf(r, 20)) })).posts.length));
  add(`tag search, any tag (${POSTS} posts)`, await timed(QUERIES, async () => (await services.posts.tagged('u0', { tag: tagName(Math.floor(r() * TAGS)) })).posts.length));

  // Fan-out of plain messages: the same sends before and after 1 000 people follow the sender.
  const SENDS = 1000;
  const sends = async (label) => {
    const t = performance.now();
    const batch = [];
    for (let i = 0; i < SENDS; i++) batch.push(services.messages.send('u1', { roomId: 'lobby', text: `hello ${label} ${i}`, nonce: `${label}-${process.pid}-${i}` }));
    await Promise.all(batch);
    return (performance.now() - t) / SENDS;
  };
  // Rounds, median of each side: one round on a busy machine says little.
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const rounds = async (label) => {
    const per = [];
    for (let k = 0; k < 5; k++) per.push(await sends(`${label}${k}`));
    return median(per);
  };
  const before = await rounds('before');
  // One group commit (as many followers at once would be): the bench measures sends, not fsyncs.
  await Promise.all(Array.from({ length: 1000 }, (_, k) => services.people.follow(`u${k + 2}`, { userId: 'u1' })));
  const after = await rounds('after');
  // Posts by the followed user: acknowledged after the post's own step; the inbox writes the 1 000 followers'
  // items after that commit. Each round waits for the fan-out before the next post, so rounds do not overlap.
  let n = 0;
  const acks = [];
  const spans = [];
  const during = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await services.posts.create('u1', { roomId: 'b0', title: `news ${n}`, text: '#news', nonce: `inbox-${process.pid}-${++n}` });
    const acked = performance.now();
    // A plain message sent while the fan-out runs: its steps interleave with the fan-out's chunks.
    const s0 = performance.now();
    await services.messages.send('u1', { roomId: 'lobby', text: `meanwhile ${n}`, nonce: `during-${process.pid}-${n}` });
    const sent = performance.now() - s0;
    await services.inbox.fanoutSettled();
    // The first few warm the statements and caches up, as `timed` does.
    if (i >= 10) {
      acks.push(acked - t);
      spans.push(performance.now() - t);
      during.push(sent);
    }
  }
  const row = (label, xs) => {
    xs.sort((x, y) => x - y);
    rows.push([label, String(xs.length), fmt(pct(xs, 50)), fmt(pct(xs, 95)), fmt(xs[xs.length - 1]), '1.0']);
  };
  row('post.create by a user 1 000 follow (ack)', acks);
  row('  … until the last follower item is written', spans);
  row('  a plain send during that fan-out (ack)', during);
  add("a follower's inbox.list (first page)", await timed(QUERIES, async () => (await services.inbox.list('u2', {})).items.length));
  store.close();

  const header = ['case', 'n', 'p50', 'p95', 'max', 'posts/answer'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(w[i])).join('  ');
  process.stdout.write(`forum over ${POSTS} posts, ${BOARDS} boards (half hidden from the user), ${TAGS} tags (page 30)\n`);
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(`plain message send, per message: ${before.toFixed(3)} ms before, ${after.toFixed(3)} ms with 1 000 followers (ratio ${(after / before).toFixed(2)})\n`);
}

await main();
// The services keep timers (the search indexer's); the bench is done.
process.exit(0);
