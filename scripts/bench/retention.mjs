#!/usr/bin/env node
// Retention sweep at scale while people talk: a store of N messages (default 1 000 000, with their log rows,
// search index, reactions on some and thread replies on a few) in 100 rooms, all older than the server's
// 30-day default; a running server on it; a live client in another process sending paced messages to a room
// of its own and timing each acknowledgement. First a phase without the sweep, then the sweep (the server's
// own, in its process, through its commit queue) with the same live traffic. Prints the sweep's time and
// rate and the live p50/p99/max of both phases.
//
//   node scripts/bench/retention.mjs [--messages N] [--rate PER_SEC] [--baseline-sec S] [--rebuild]
//
// The built store is cached under the temp dir (keyed by size and generator version) and copied for each run,
// since a sweep empties it. Needs no build step: the server's TypeScript is bundled with esbuild.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bundleServer, rng } from './lib/server-source.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GENERATOR = 'v1';
const ROOMS = 100;
const USERS = 20;
const DAY = 86_400_000;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`retention.mjs: ${name} wants a positive number\n`);
    process.exit(2);
  }
  return v;
}

const pct = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const fmt = (ms) => `${ms.toFixed(1)} ms`;

// ---------------------------------------------------------------------------------------------------------
// The live client (a child process): signs in, makes its room, sends `rate` messages a second and times
// each reply. Phases are named by the parent; it sends back every phase's latencies when told to stop.
async function liveClient() {
  const { WebSocket } = await import('ws');
  const [url, token, rate] = [process.argv[3], process.argv[4], Number(process.argv[5])];
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
  const waiting = new Map();
  let id = 0;
  const request = (type, params) =>
    new Promise((resolve) => {
      const rid = `r${++id}`;
      waiting.set(rid, { resolve, at: performance.now() });
      ws.send(JSON.stringify({ id: rid, type, ...params }));
    });
  ws.on('message', (data) => {
    const f = JSON.parse(String(data));
    if (f.type === 'ready') ready();
    if (f.type === 'reply' && waiting.has(f.replyTo)) {
      const w = waiting.get(f.replyTo);
      waiting.delete(f.replyTo);
      w.resolve({ frame: f, ms: performance.now() - w.at });
    }
  });
  let ready;
  const isReady = new Promise((r) => (ready = r));
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', token }));
  await isReady;
  const created = await request('room.create', { name: 'live' });
  const roomId = created.frame.result.room.id;
  const samples = {};
  let phase = 'warmup';
  let n = 0;
  const timer = setInterval(() => {
    const p = phase;
    void request('message.send', { roomId, text: `live message ${n} with a few words in it`, nonce: `live${n++}` }).then(({ frame, ms }) => {
      if (!frame.ok) return;
      (samples[p] ??= []).push(ms);
    });
  }, 1000 / rate);
  process.on('message', (m) => {
    if (m.phase) phase = m.phase;
    if (m.stop) {
      clearInterval(timer);
      // Let the last replies arrive.
      setTimeout(() => {
        process.send({ samples });
        ws.close();
        process.exit(0);
      }, 500);
    }
  });
  process.send({ ready: true });
}

const loadServer = () => bundleServer('retention', ['startServer']);


const WORDS = ['deploy', 'lunch', 'meeting', 'bug', 'release', 'coffee', 'review', 'ticket', 'server', 'weekend', 'build', 'test', 'docs', 'merge', 'branch'];

/**
 * N messages (with their message.created log rows) in ROOMS rooms, created 60 to 90 days ago; one in 20 has a
 * reaction (and its reaction.added row); one in 200 is a thread root with a reply. The search index is filled
 * and merged as a long-running server's would be.
 */
function buildStore(SqliteStorage, dir, messages) {
  const t0 = performance.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const store = SqliteStorage.open(dir, { synchronous: 'normal' });
  const db = store.db;
  db.pragma('cache_size = -262144');
  const r = rng(42);
  const tx = (fn) => db.transaction(fn).immediate();
  tx(() => {
    for (let u = 0; u < USERS; u++) store.users.insert({ id: `u${u}`, username: `user${u}`, nickname: `user${u}`, passwordHash: 'x', createdAt: 0 });
    for (let k = 0; k < ROOMS; k++) {
      store.rooms.insert({ id: `r${k}`, name: `room${k}`, topic: '', kind: 'text', categoryId: null, position: k, restrictedTo: null, createdBy: null, createdAt: 0, autoJoin: false });
      for (let u = 0; u < USERS; u++) store.rooms.addMember(`r${k}`, `u${u}`);
    }
  });
  const event = db.prepare('INSERT INTO events (event_order, id, type, room_id, actor_id, target_user_id, data, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)');
  const reaction = db.prepare('INSERT INTO message_reactions (message_id, user_id, emoji, emoji_seq, created_at) VALUES (?, ?, ?, 0, ?)');
  const rootOf = db.prepare('UPDATE messages SET reply_count = 1, last_reply_at = ?, last_reply_order = ?, last_reply_authors = ? WHERE id = ?');
  const start = Date.now() - 90 * DAY;
  const step = (30 * DAY) / messages;
  let order = 0;
  let made = 0;
  const BATCH = 20_000;
  while (made < messages) {
    tx(() => {
      for (let j = 0; j < BATCH && made < messages; j++, made++) {
        const roomId = `r${Math.floor(r() * ROOMS)}`;
        const authorId = `u${Math.floor(r() * USERS)}`;
        const parts = [];
        for (let k = 3 + Math.floor(r() * 10); k > 0; k--) parts.push(WORDS[Math.floor(r() * WORDS.length)]);
        const text = parts.join(' ');
        const at = Math.round(start + made * step);
        const o = ++order;
        const m = { id: `m${o}`, roomId, authorId, text, nonce: null, action: false, mentions: [], order: o, createdAt: at, editedAt: null, deleted: false };
        store.messages.insert(m);
        event.run(o, `e${o}`, 'message.created', roomId, authorId, JSON.stringify({ message: { id: m.id, roomId, authorId, text, createdAt: at, order: o } }), at);
        if (made % 20 === 7) {
          const ro = ++order;
          reaction.run(m.id, 'u1', '👍', at);
          event.run(ro, `e${ro}`, 'reaction.added', roomId, 'u1', JSON.stringify({ roomId, messageId: m.id, emoji: '👍', userId: 'u1' }), at);
        }
        if (made % 200 === 11 && made + 1 < messages) {
          const ro = ++order;
          made++;
          const reply = { ...m, id: `m${ro}`, text: `a reply about ${text}`, order: ro, threadId: m.id };
          store.messages.insert(reply);
          event.run(ro, `e${ro}`, 'message.created', roomId, authorId, JSON.stringify({ message: { id: reply.id, roomId, authorId, text: reply.text, createdAt: at, order: ro, threadId: m.id } }), at);
          rootOf.run(at, ro, JSON.stringify([authorId]), m.id);
        }
      }
    });
    if ((made / BATCH) % 10 < 1) process.stderr.write(`  ${made} / ${messages} messages\n`);
  }
  process.stderr.write('  indexing for search …\n');
  tx(() => store.search.rebuild());
  db.exec("INSERT INTO messages_fts_word (messages_fts_word) VALUES ('optimize'); INSERT INTO messages_fts_tri (messages_fts_tri) VALUES ('optimize');");
  db.pragma('optimize');
  store.close();
  fs.writeFileSync(path.join(dir, 'built'), JSON.stringify({ messages, events: order, seconds: (performance.now() - t0) / 1000 }));
}

function summary(name, xs) {
  const s = [...xs].sort((a, b) => a - b);
  return `${name.padEnd(16)} n=${String(s.length).padStart(5)}  p50 ${fmt(pct(s, 50)).padStart(9)}  p99 ${fmt(pct(s, 99)).padStart(9)}  max ${fmt(s[s.length - 1] ?? NaN).padStart(9)}`;
}

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write('usage: node scripts/bench/retention.mjs [--messages N (1000000)] [--rate PER_SEC (20)] [--baseline-sec S (15)] [--rebuild]\n');
    process.exit(0);
  }
  const MESSAGES = arg('--messages', 1_000_000);
  const RATE = arg('--rate', 20);
  const BASELINE_SEC = arg('--baseline-sec', 15);
  const { SqliteStorage, startServer } = await loadServer();
  // Keyed by the schema too: a store built by another version of the migrations would not open.
  const schema = createHash('sha256').update(fs.readFileSync(path.join(root, 'packages/server/src/adapters/sqlite/migrations.ts'))).digest('hex').slice(0, 8);
  const cache = path.join(os.tmpdir(), `od-retention-bench-${GENERATOR}-${schema}-${MESSAGES}`);
  if (process.argv.includes('--rebuild') || !fs.existsSync(path.join(cache, 'built'))) {
    process.stderr.write(`building ${MESSAGES} messages in ${ROOMS} rooms under ${cache} …\n`);
    buildStore(SqliteStorage, cache, MESSAGES);
  }
  const built = JSON.parse(fs.readFileSync(path.join(cache, 'built'), 'utf8'));
  process.stderr.write(`store: ${built.messages} messages, ${built.events} events (built in ${built.seconds.toFixed(1)} s)\n`);

  // A fresh copy: the sweep empties it.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'od-retention-run-'));
  for (const f of fs.readdirSync(cache)) if (f.startsWith('od.sqlite')) fs.copyFileSync(path.join(cache, f), path.join(work, f));
  const dbBytes = () => ['od.sqlite', 'od.sqlite-wal'].reduce((n, f) => n + (fs.existsSync(path.join(work, f)) ? fs.statSync(path.join(work, f)).size : 0), 0);
  const sizeBefore = dbBytes();
  const server = await startServer({
    dataDir: work,
    port: 0,
    registration: 'open',
    bcryptCost: 4,
    messageRate: null,
    firstRoom: null,
    retentionSec: 30 * 86_400,
    // The bench starts the sweep itself (the timer's first run would join it, not start another).
    retentionSweepMs: 2 ** 31 - 1,
    log: () => {},
  });
  let child;
  try {
    const res = await fetch(`${server.url}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'live', password: 'correct horse', nickname: 'live' }),
    });
    const { accessToken } = await res.json();
    child = fork(fileURLToPath(import.meta.url), ['--live-client', server.url, accessToken, String(RATE)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const results = new Promise((resolve) => child.on('message', (m) => m.samples && resolve(m.samples)));
    await new Promise((resolve) => child.on('message', (m) => m.ready && resolve()));
    await new Promise((r) => setTimeout(r, 2000));
    child.send({ phase: 'without sweep' });
    process.stderr.write(`live traffic at ${RATE}/s: ${BASELINE_SEC} s without the sweep …\n`);
    await new Promise((r) => setTimeout(r, BASELINE_SEC * 1000));
    child.send({ phase: 'during sweep' });
    process.stderr.write('sweeping …\n');
    const t0 = performance.now();
    const report = await server.app.services.retention.sweep();
    const sweepSec = (performance.now() - t0) / 1000;
    child.send({ stop: true });
    const samples = await results;
    const removed = report.rooms.reduce((n, r) => n + r.messages, 0);
    const reactions = report.rooms.reduce((n, r) => n + r.reactions, 0);
    const left = server.app.storage.db.prepare("SELECT COUNT(*) AS n FROM messages WHERE room_id != (SELECT id FROM rooms WHERE name = 'live')").get().n;
    const tombs = server.app.storage.db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'expired'").get().n;
    process.stdout.write(`retention sweep of ${built.messages} messages (${built.events} log rows) in ${ROOMS} rooms, live client at ${RATE} msg/s\n`);
    process.stdout.write(`sweep: ${sweepSec.toFixed(1)} s, ${removed} messages (${Math.round(removed / sweepSec)}/s), ${reactions} reactions, ${tombs} tombstones, ${left} old messages left, scrubbed: ${report.scrubbed}\n`);
    process.stdout.write(`database + log: ${(sizeBefore / 1e6).toFixed(0)} MB before, ${(dbBytes() / 1e6).toFixed(0)} MB after (freed pages are zeroed and reused; VACUUM would return them)\n`);
    process.stdout.write(`live message.send acknowledgement latency:\n`);
    for (const name of ['without sweep', 'during sweep']) process.stdout.write(`  ${summary(name, samples[name] ?? [])}\n`);
  } finally {
    child?.kill();
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--live-client') await liveClient();
else await main();
