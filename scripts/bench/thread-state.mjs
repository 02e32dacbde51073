#!/usr/bin/env node
// `state` for a user in many rooms with threads, on a store of about a million events: how long the
// snapshot takes (followed threads come from maintained counters, room mentions from one index range per
// joined room, room unread from the per-room count capped at UNREAD_COUNT_CAP). Not a timed test: it prints
// the figures (docs/benchmarks.md). Uses the BUILT server (npm run build first).
//
// Usage: node scripts/bench/thread-state.mjs [--rooms 200] [--events 1000000] [--users 10] [--threads-per-room 10] [--runs 20]
// A first run builds the store in a temp folder (kept, and reused with --data DIR).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const { startServer } = await import('../../packages/server/dist/index.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const ROOMS = Number(arg('rooms', 200));
const EVENTS = Number(arg('events', 1_000_000));
const USERS = Number(arg('users', 10));
const THREADS = Number(arg('threads-per-room', 10));
const RUNS = Number(arg('runs', 20));
const dataDir = arg('data', null) ?? fs.mkdtempSync(path.join(os.tmpdir(), 'od-thread-bench-'));
const fresh = !fs.existsSync(path.join(dataDir, 'od.sqlite'));

const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  registration: 'open',
  bcryptCost: 4,
  authRate: null,
  messageRate: null,
  firstRoom: null,
  synchronous: 'normal',
  log: () => {},
});
const s = server.app.services;
const ip = '127.0.0.1';

if (fresh) {
  const t0 = performance.now();
  const users = [];
  for (let i = 0; i < USERS; i++) users.push((await s.auth.signup({ username: `bench${i}`, password: 'correct horse', nickname: `bench${i}` }, ip)).user.id);
  const rooms = [];
  for (let r = 0; r < ROOMS; r++) rooms.push((await s.rooms.create(users[0], { name: `room${r}` })).room.id);
  for (const u of users.slice(1)) for (const r of rooms) await s.membership.join(u, r);
  // Thread roots: THREADS per room, by rotating authors.
  const roots = [];
  for (const [ri, r] of rooms.entries()) {
    for (let t = 0; t < THREADS; t++) roots.push((await s.messages.send(users[(ri + t) % USERS], { roomId: r, text: `root ${t}`, nonce: `root-${ri}-${t}` })).message);
  }
  // The rest: 80 % room messages, 20 % thread replies (a few mention the measured user, bench0), in batches
  // of 2 000 concurrent sends (one group commit each). Halfway, bench0 reads every room.
  let n = server.head();
  let k = 0;
  const batch = async (size) => {
    const sends = [];
    for (let i = 0; i < size; i++, k++) {
      const author = users[1 + (k % (USERS - 1))];
      const nonce = `b${k}`;
      if (k % 5 === 0) {
        const root = roots[(k * 7919) % roots.length];
        const text = k % 50 === 0 ? 'reply @bench0' : `reply ${k}`;
        sends.push(s.messages.send(author, { roomId: root.roomId, text, nonce, threadId: root.id }));
      } else {
        sends.push(s.messages.send(author, { roomId: rooms[(k * 31) % rooms.length], text: `message ${k}`, nonce }));
      }
    }
    await Promise.all(sends);
  };
  let readDone = false;
  while ((n = server.head()) < EVENTS) {
    await batch(Math.min(2000, EVENTS - n));
    if (!readDone && server.head() >= EVENTS / 2) {
      readDone = true;
      for (const r of rooms) await s.readMarkers.mark(users[0], { roomId: r, order: server.head() });
      // bench0 follows a thread in every room by replying (and is the root author of some).
      for (const [ri] of rooms.entries()) await s.messages.send(users[0], { roomId: roots[ri * THREADS].roomId, text: 'me too', nonce: `f${ri}`, threadId: roots[ri * THREADS].id });
    }
    if (k % 100_000 < 2000) process.stderr.write(`  ${server.head()} events\n`);
  }
  console.log(`built ${server.head()} events in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${dataDir}`);
}

const me = (await s.state.state((await server.app.storage.users.list()).find((u) => u.username === 'bench0').id));
const times = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await s.state.state(me.me.id);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
const followed = Object.keys(me.threads ?? {}).length;
const threadUnread = Object.values(me.threads ?? {}).reduce((a, t) => a + t.unread.count, 0);
const roomUnread = Object.values(me.unread).reduce((a, u) => a + u.count, 0);
console.log(
  `state for a user in ${me.joined.length} rooms, ${followed} followed threads (${threadUnread} thread replies unread, ${roomUnread} room messages unread, capped per room), head ${me.head}: ` +
    `p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${pct(1)} ms over ${RUNS} runs`,
);
await server.close();
