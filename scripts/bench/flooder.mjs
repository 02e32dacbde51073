#!/usr/bin/env node
// Flooder: do other people's messages slow down while one user sends as fast as the server answers?
// N ordinary users in one room each send a stamped message at a paced rate; every other member receives
// it, and the send→receive latency is measured at the receivers (same process, same clock). First calm,
// then while one user floods message.send from several connections at once (each keeping a window of
// requests in flight, from a process of its own at nice 19: see floodInChild; a connection the server closes
// is opened again). Three servers: every default (write buckets and the per-connection frame budget, which
// closes a flooding socket with 4429), the write buckets alone (frame budget lifted, as in every bench), and
// no limits — so the differences are what each guard buys.
// Uses the BUILT server (npm run build first).
// Usage: node scripts/bench/flooder.mjs [--users 20] [--rate 2] [--phase-ms 6000] [--conns 4] [--window 32]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectClient } from './lib/client.mjs';
import { createSamples, round, stampedText } from './lib/latency.mjs';
import { procStats, schedStat } from './lib/proc-stats.mjs';

const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The flood: `conns` connections of one user, each with `window` message.sends in flight, for `ms`. A
 * connection the server closes (the frame budget, 4429) is opened again at once, as a hostile client would.
 */
async function flood({ url, token, roomId, conns, window, ms }) {
  const stats = { offered: 0, accepted: 0, refused: 0, otherErrors: {}, connects: 0, closes: {} };
  const end = Date.now() + ms;
  let n = 0;
  const one = async (k) => {
    while (Date.now() < end) {
      let c;
      try {
        c = await connectClient(url, token);
      } catch (e) {
        stats.closes[e.message] = (stats.closes[e.message] ?? 0) + 1;
        await sleep(20);
        continue;
      }
      stats.connects++;
      await new Promise((resolve) => {
        let inFlight = 0;
        c.ws.once('close', (code) => {
          stats.closes[code] = (stats.closes[code] ?? 0) + 1;
          resolve();
        });
        const pump = () => {
          while (inFlight < window && Date.now() < end && c.ws.readyState === 1) {
            inFlight++;
            stats.offered++;
            // No stamp: the receivers' latency samples are the ordinary users' messages only.
            c.fire('message.send', { roomId, text: `flood ${k} ${n}`, nonce: `flood-${k}-${n++}` }, (reply) => {
              inFlight--;
              if (reply.ok) stats.accepted++;
              else if (reply.error.code === 'RATE_LIMITED') stats.refused++;
              else stats.otherErrors[reply.error.code] = (stats.otherErrors[reply.error.code] ?? 0) + 1;
              if (Date.now() < end) pump();
              else if (inFlight === 0) resolve();
            });
          }
        };
        pump();
      });
      c.close();
    }
  };
  await Promise.all(Array.from({ length: conns }, (_, k) => one(k)));
  return stats;
}

const FLOOD_FLAG = '--flood-child';
if (process.argv[2] === FLOOD_FLAG) {
  const stats = await flood(JSON.parse(process.argv[3]));
  process.stdout.write(JSON.stringify(stats));
  process.exit(0);
} else {
  await main();
}

/**
 * The flood runs in its own process at the lowest CPU priority (nice 19): a real flooder's CPU is on
 * another machine, so here it may use only what the server and the measured clients leave idle, instead of
 * taking a core of the two away from them and measuring that.
 */
function floodInChild(opts) {
  return new Promise((resolve, reject) => {
    const child = spawn('nice', ['-n', '19', process.execPath, fileURLToPath(import.meta.url), FLOOD_FLAG, JSON.stringify(opts)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`flooder exited with ${code}`))));
  });
}

/** Every ordinary user sends `rate` stamped messages a second for `ms`; receivers record latencies. */
async function paced(clients, roomId, rate, ms, samples, tag, serverPid) {
  samples.reset();
  const cpu0 = procStats(serverPid);
  const gen0 = schedStat();
  const t0 = Date.now();
  const errors = {};
  const end = Date.now() + ms;
  let sent = 0;
  await Promise.all(
    clients.map(async (c, i) => {
      // Spread the senders over the interval instead of all at once.
      await sleep((1000 / rate) * (i / clients.length));
      let next = Date.now();
      let n = 0;
      while (Date.now() < end) {
        const r = await c.request('message.send', { roomId, text: stampedText(`${tag}-${i}`, 'a chat line of ordinary length'), nonce: `${tag}-${i}-${n++}` });
        if (r.ok) sent++;
        else errors[r.error.code] = (errors[r.error.code] ?? 0) + 1;
        next += 1000 / rate;
        const wait = next - Date.now();
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  const cpu1 = procStats(serverPid);
  const gen1 = schedStat();
  const wall = Date.now() - t0;
  const serverCpuPct = cpu0 && cpu1 ? round(((cpu1.cpuUs - cpu0.cpuUs) / 1000 / wall) * 100, 0) : null;
  // The measuring thread's own time waiting for a CPU: latency it adds, not the server.
  const genWaitPct = gen0 && gen1 ? round(((gen1.waitUs - gen0.waitUs) / 1000 / wall) * 100, 0) : null;
  // Let the last deliveries arrive.
  await sleep(300);
  return { sent, errors, serverCpuPct, genWaitPct, ...samples.summary() };
}

async function main() {
  const { startServerChild, killAll } = await import('./lib/orchestra.mjs');
  const { setupRooms } = await import('./lib/setup.mjs');
  const users = arg('--users', 20);
  const rate = arg('--rate', 2);
  const phaseMs = arg('--phase-ms', 6000);
  const conns = arg('--conns', 4);
  const window = arg('--window', 32);
  const deadline = setTimeout(() => {
    console.error('flooder bench: deadline passed');
    killAll();
    process.exit(2);
  }, 600_000);

  // The bench child lifts the write buckets and the frame budget unless told otherwise.
  const buckets = { messageRate: { perSec: 10, burst: 20 }, writeRates: {} };
  const configs = [
    { name: 'all server defaults', serverOptions: { ...buckets, frameRate: { perSec: 500, burst: 1000 } } },
    { name: 'write buckets only', serverOptions: buckets },
    { name: 'no limits', serverOptions: { messageRate: null } },
  ];
  const rows = [];
  for (const cfg of configs) {
    const server = await startServerChild('od', { serverOptions: cfg.serverOptions });
    try {
      const world = await setupRooms(server.url, { users: users + 1, rooms: 1, prefix: 'fl', ownerInvite: server.ownerInvite });
      const roomId = world.roomIds[0];
      const samples = createSamples(1 << 16);
      const meter = { delivered: (at, stamp) => samples.add(at - stamp) };
      const ordinary = [];
      for (let i = 0; i < users; i++) ordinary.push(await connectClient(server.url, world.accounts[i].accessToken, { meter }));
      const flooderToken = world.accounts[users].accessToken;
      await paced(ordinary, roomId, rate, 1000, samples, 'warm', server.pid);
      const calm = await paced(ordinary, roomId, rate, phaseMs, samples, 'calm', server.pid);
      const [during, f] = await Promise.all([
        paced(ordinary, roomId, rate, phaseMs, samples, 'flood', server.pid),
        floodInChild({ url: server.url, token: flooderToken, roomId, conns, window, ms: phaseMs }),
      ]);
      for (const c of ordinary) c.close();
      rows.push({ cfg: cfg.name, calm, during, f });
    } finally {
      await server.stop();
    }
  }
  clearTimeout(deadline);

  console.log(`\nflooder: ${users} users in one room, each sending ${rate} msg/s; deliveries to the other ${users - 1} measured.`);
  console.log(`one more user floods message.send from ${conns} connections, ${window} in flight each, for ${phaseMs / 1000} s.\n`);
  const line = (...c) => console.log(c.map((x, i) => String(x).padEnd(i === 0 ? 22 : 12)).join(''));
  line('server', 'phase', 'p50 ms', 'p99 ms', 'max ms', 'deliveries', 'server CPU%', 'gen wait%', 'fl.offered', 'fl.accepted', 'fl.refused', 'fl.connects');
  for (const r of rows) {
    line(r.cfg, 'calm', r.calm.p50Ms, r.calm.p99Ms, r.calm.maxMs, r.calm.count, r.calm.serverCpuPct, r.calm.genWaitPct, '-', '-', '-', '-');
    line(r.cfg, 'flooder', r.during.p50Ms, r.during.p99Ms, r.during.maxMs, r.during.count, r.during.serverCpuPct, r.during.genWaitPct, r.f.offered, r.f.accepted, r.f.refused, r.f.connects);
  }
  for (const r of rows) {
    const ratio = r.calm.p99Ms ? round(r.during.p99Ms / r.calm.p99Ms) : null;
    console.log(`\n${r.cfg}: others' p99 with the flooder / without = ${ratio}; ordinary send errors: ${JSON.stringify(r.during.errors)}; flooder's other errors: ${JSON.stringify(r.f.otherErrors)}; flooder's closes: ${JSON.stringify(r.f.closes)}`);
  }
  process.exit(0);
}
