#!/usr/bin/env node
// Presence and fan-out: does having 1 000 more users online (each with presence the server tracks and
// announces) add work to every message's fan-out? One room of `members` clients; `senders` of them send
// `messages` stamped messages as fast as the server answers (a window in flight each), every member
// receives each. Measured: messages/s, deliveries/s, delivery p99 and the server's CPU µs per message,
// in phases on the same server:
//   A  only the room's members online
//   B  + 1 000 other users online, presence steady (their connections announced, then quiet)
//   C  the same while `churn` of them a second go idle or come back (presence frames to everyone)
//   A' the 1 000 gone again (the order effect: the database grew meanwhile)
// B/A is the figure: presence must not add per-message work (C adds presence's own frames, not per message).
// Uses the BUILT server (npm run build first).
// Usage: node scripts/bench/presence-fanout.mjs [--members 50] [--senders 10] [--messages 5000] [--others 1000] [--churn 20]
import { connectClient, connectMany } from './lib/client.mjs';
import { accounts } from './lib/http.mjs';
import { createSamples, nowUs, round, stampedText } from './lib/latency.mjs';
import { killAll, startServerChild } from './lib/orchestra.mjs';
import { procStats } from './lib/proc-stats.mjs';
import { PASSWORD, setupRooms } from './lib/setup.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const members = arg('--members', 50);
const senders = arg('--senders', 10);
const messages = arg('--messages', 5000);
const others = arg('--others', 1000);
const churn = arg('--churn', 20);
const WINDOW = 8;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const deadline = setTimeout(() => {
  console.error('presence-fanout bench: deadline passed');
  killAll();
  process.exit(2);
}, 600_000);

// Write buckets off (the senders are saturated on purpose); bench-cheap password hashing for the setup.
const server = await startServerChild('od', { serverOptions: { bcryptCost: 4 } });
try {
  const world = await setupRooms(server.url, { users: members, rooms: 1, prefix: 'pf', ownerInvite: server.ownerInvite });
  const roomId = world.roomIds[0];
  const samples = createSamples(1 << 22);
  let delivered = 0;
  const meter = { delivered: (at, stamp) => (delivered++, samples.add(at - stamp)) };
  const clients = await connectMany(server.url, world.accounts.map((a) => a.accessToken), { meter }, 16);
  const otherAccounts = await accounts(server.url, Array.from({ length: others }, (_, i) => `pf-o${i}`), PASSWORD, 16);

  /** Send `n` messages from the senders, `WINDOW` in flight each; resolves when every delivery arrived. */
  async function phase(name, n) {
    samples.reset();
    delivered = 0;
    // Every member receives each message, its sender too (the event confirms the send to its other devices).
    const expected = n * members;
    const cpu0 = procStats(server.pid);
    const t0 = nowUs();
    let next = 0;
    let refused = 0;
    await Promise.all(
      clients.slice(0, senders).map(async (c, k) => {
        const lane = async () => {
          while (next < n) {
            const i = next++;
            const r = await c.request('message.send', { roomId, text: stampedText(`${name}-${k}`, 'a chat line of ordinary length'), nonce: `${name}-${i}` });
            if (!r.ok) refused++;
          }
        };
        await Promise.all(Array.from({ length: WINDOW }, lane));
      }),
    );
    const until = Date.now() + 30_000;
    while (delivered < expected - refused * members && Date.now() < until) await sleep(5);
    const s = (nowUs() - t0) / 1e6;
    const cpu1 = procStats(server.pid);
    const sum = samples.summary();
    return {
      phase: name,
      msgPerSec: round(n / s, 0),
      deliveriesPerSec: round(delivered / s, 0),
      p50Ms: sum.p50Ms,
      p99Ms: sum.p99Ms,
      serverCpuUsPerMsg: cpu0 && cpu1 ? round((cpu1.cpuUs - cpu0.cpuUs) / n, 0) : null,
      missing: expected - delivered,
      refused,
    };
  }

  const rows = [];
  await phase('warm', 500);
  rows.push({ ...(await phase('A', messages)), online: members });

  const extra = await connectMany(server.url, otherAccounts.map((a) => a.accessToken), {}, 32);
  // Let the connect-time presence announcements (one per user, to everyone online) drain first.
  await sleep(1500);
  rows.push({ ...(await phase('B', messages)), online: members + others });

  let idle = false;
  let k = 0;
  const flip = setInterval(() => {
    // `churn` idle changes a second, spread over the other users (each at most once a second on the server).
    for (let i = 0; i < churn / 10; i++) {
      const c = extra[k++ % extra.length];
      if (k % extra.length === 0) idle = !idle;
      c.ws.send(JSON.stringify({ type: 'idle', idle: !idle }));
    }
  }, 100);
  rows.push({ ...(await phase('C', messages)), online: members + others });
  clearInterval(flip);

  for (const c of extra) c.close();
  await sleep(1500);
  rows.push({ ...(await phase("A'", messages)), online: members });
  for (const c of clients) c.close();

  console.log(`\npresence-fanout: ${members} members in one room, ${senders} senders × ${WINDOW} in flight, ${messages} messages a phase.`);
  console.log(`B: + ${others} other users online; C: the same with ${churn} presence changes a second.\n`);
  const line = (...c) => console.log(c.map((x) => String(x).padEnd(13)).join(''));
  line('phase', 'online', 'msg/s', 'deliveries/s', 'p50 ms', 'p99 ms', 'cpu µs/msg', 'missing');
  for (const r of rows) line(r.phase, r.online, r.msgPerSec, r.deliveriesPerSec, r.p50Ms, r.p99Ms, r.serverCpuUsPerMsg, r.missing);
  const a = (rows[0].msgPerSec + rows[3].msgPerSec) / 2;
  const aCpu = (rows[0].serverCpuUsPerMsg + rows[3].serverCpuUsPerMsg) / 2;
  console.log(`\nthroughput B / mean(A, A') = ${round(rows[1].msgPerSec / a)}; server CPU per message B / mean(A, A') = ${round(rows[1].serverCpuUsPerMsg / aCpu)}`);
  console.log(`throughput C / mean(A, A') = ${round(rows[2].msgPerSec / a)}; server CPU per message C / mean(A, A') = ${round(rows[2].serverCpuUsPerMsg / aCpu)}`);
} finally {
  clearTimeout(deadline);
  await server.stop();
}
process.exit(0);
