// Fan-out with the raw generator: N clients in R rooms, S senders; saturated (each sender keeps `window`
// messages unacknowledged) or paced (a fixed offered rate). Drives od-server and the baseline over raw
// WebSocket (url http://…) and ngircd over IRC (url irc://…) with the same pacing, marker and ledger.
//
// Process layout: this process holds the S senders (each is also a receiver of its room); the other
// clients are spread over `genProcs` receiver processes (load-gen-shard.mjs), or kept here when
// genProcs is 0. Every process reports its own CPU over the measured phase; the busiest one decides
// whether the generator may have been the bottleneck.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAll, connectIrc, connectOd, Ledger } from '../lib/fanout-clients.mjs';
import { Histogram, markerText, monoUs } from '../lib/marker.mjs';
import { round } from '../lib/latency.mjs';
import { pacedLoop } from '../lib/phases.mjs';
import { schedStat } from '../lib/proc-stats.mjs';
import { rssSampler, serverProfile, serverStats } from '../lib/server-stats.mjs';
import { setupRooms } from '../lib/setup.mjs';
import { IRC_OPER } from '../lib/ngircd.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PAD = 'the quick brown fox jumps over the lazy dog while the bench counts deliveries';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** At or above this CPU % of one core, a generator process may have set the pace instead of the server. */
export const GENERATOR_BOUND_PCT = 90;

/** A receiver process, spoken to by request/response over IPC. */
function startShard(deadlineS) {
  const child = fork(path.join(here, '..', 'load-gen-shard.mjs'), [String(deadlineS)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiting = new Map();
  let nextReq = 1;
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = code ?? signal;
    for (const w of waiting.values()) w.reject(new Error(`receiver process exited (${exited})`));
    waiting.clear();
  });
  child.on('message', (m) => {
    const w = waiting.get(m?.reqId);
    if (!w) return;
    waiting.delete(m.reqId);
    if (m.type === 'error') w.reject(new Error(m.error));
    else w.resolve(m);
  });
  const started = new Promise((resolve, reject) => {
    child.once('message', (m) => (m?.type === 'started' ? resolve() : reject(new Error('bad start'))));
    child.once('exit', () => reject(new Error('receiver process exited at start')));
  });
  return {
    pid: child.pid,
    started,
    ask(type, body = {}) {
      if (exited !== null) return Promise.reject(new Error(`receiver process exited (${exited})`));
      const reqId = nextReq++;
      return new Promise((resolve, reject) => {
        waiting.set(reqId, { resolve, reject });
        child.send({ type, reqId, ...body });
      });
    },
    kill() {
      if (exited === null) child.kill('SIGKILL');
    },
  };
}

/** The same interface over the ledger of this process. */
const localGroup = (ledger) => ({
  ask(type, body = {}) {
    if (type === 'reset') ledger.reset(body.sinceUs);
    if (type === 'counts') return Promise.resolve(ledger.counts());
    if (type === 'report') return Promise.resolve(ledger.report(body.accepted));
    return Promise.resolve({});
  },
});

function newTally(nSenders) {
  return { sent: 0, accepted: 0, acceptedBy: new Array(nSenders).fill(0), errors: {}, lastAckUs: 0, inflight: 0 };
}

function makeSend(tally) {
  return (sender, done) => {
    const seq = sender.seq++;
    tally.sent++;
    tally.inflight++;
    sender.pending.push(done);
    if (sender.client.closed) throw new Error(`sender ${sender.k} was disconnected`);
    sender.client.transmit(seq, `${markerText(sender.k, seq, monoUs())} ${PAD}`);
  };
}

/** Route a sender's acknowledgements (they come in order: od replies per socket, IRC PONGs) to the tally. */
function wireAcks(senders, tally) {
  for (const s of senders) {
    s.client.onAck = (ok, code) => {
      const done = s.pending.shift();
      tally.inflight--;
      tally.lastAckUs = monoUs();
      if (ok) {
        tally.accepted++;
        tally.acceptedBy[s.k]++;
      } else tally.errors[code] = (tally.errors[code] ?? 0) + 1;
      done?.();
    };
  }
}

/** Each sender sends its share of `messages`, keeping up to `window` unacknowledged. */
function runSaturated(senders, { messages, window }) {
  const tally = newTally(senders.length);
  wireAcks(senders, tally);
  const send = makeSend(tally);
  return new Promise((resolve, reject) => {
    let finished = 0;
    senders.forEach((sender, k) => {
      const quota = Math.floor(messages / senders.length) + (k < messages % senders.length ? 1 : 0);
      let sent = 0;
      let acked = 0;
      const pump = () => {
        if (sent - acked >= window || sent >= quota) return;
        sender.client.cork();
        while (sent - acked < window && sent < quota) {
          sent++;
          send(sender, onAck);
        }
        sender.client.uncork();
      };
      const onAck = () => {
        acked++;
        if (acked === quota) {
          if (++finished === senders.length) resolve(tally);
        } else pump();
      };
      sender.client.onClose = () => reject(new Error(`sender ${k} was disconnected`));
      if (quota === 0) {
        if (++finished === senders.length) resolve(tally);
      } else pump();
    });
  });
}

/** Offer `rate` messages/s in total, round-robin over the senders, for `messages` messages. */
function runPaced(senders, { messages, rate, maxInflight = 20_000 }) {
  const tally = newTally(senders.length);
  wireAcks(senders, tally);
  const send = makeSend(tally);
  return pacedLoop(senders, send, tally, { messages, rate, maxInflight, startUs: monoUs(), clockUs: monoUs });
}

/** Wait until `expected` deliveries arrived in all groups, or nothing arrived for `quietMs`. */
async function drain(groups, expected, { quietMs = 3000, limitMs = 120_000 } = {}) {
  const start = Date.now();
  let last = -1;
  let lastChange = start;
  for (;;) {
    const counts = await Promise.all(groups.map((g) => g.ask('counts')));
    const total = counts.reduce((a, c) => a + c.deliveries, 0);
    if (total >= expected) return;
    if (total !== last) {
      last = total;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > quietMs || Date.now() - start > limitMs) return;
    await sleep(20);
  }
}

export async function fanoutRaw(url, cfg, ctx) {
  const u = new URL(url);
  const proto = u.protocol === 'irc:' ? 'irc' : 'od';
  const host = u.hostname;
  const port = Number(u.port);
  const { clients, rooms = 1, senders: nSenders, window = 16, messages, rate = 0, warmup = 500, roomMode = 'restricted' } = cfg;
  const genProcs = Math.max(0, Math.min(8, cfg.genProcs ?? 1));
  // od and the baseline send the sender its own message too; IRC does not.
  const selfEcho = proto !== 'irc';

  // The world: accounts and rooms (od/baseline, over the public API), or nicks and channels (IRC).
  let specs;
  const t0Setup = monoUs();
  if (proto === 'od') {
    const world = await setupRooms(url, { users: clients, rooms, ownerInvite: cfg.ownerInvite, roomMode });
    specs = world.accounts.map((a, i) => ({ index: i, token: a.accessToken, roomId: world.roomOf(i) }));
  } else {
    specs = Array.from({ length: clients }, (_, i) => ({ index: i, nick: `b${i}`, channel: `#r${i % rooms}` }));
  }
  const setupS = (monoUs() - t0Setup) / 1e6;

  const ledger = new Ledger({ nSenders, rooms, selfEcho });
  const shards = Array.from({ length: genProcs }, () => startShard(Math.max(60, (ctx.deadlineS ?? 300) + 30)));
  const groups = [localGroup(ledger), ...shards];
  const connectOne = (asSender) => (spec) =>
    proto === 'irc'
      ? connectIrc({ host, port, spec, ledger, asSender, oper: asSender ? IRC_OPER : null })
      : connectOd({ host, port, spec, ledger, asSender });
  let senders = [];
  let localReceivers = [];
  const t0Connect = monoUs();
  try {
    // Senders (clients 0..S-1, spread over the rooms) stay here; the rest go to the receiver processes.
    const rest = specs.slice(nSenders);
    const parts = shards.length ? shards.map((_, j) => rest.filter((_, i) => i % shards.length === j)) : [];
    await Promise.all(shards.map((s) => s.started));
    const senderClients = await connectAll(specs.slice(0, nSenders), connectOne(true), 16);
    senders = senderClients.map((client, k) => ({ k, client, seq: 0, pending: [] }));
    await Promise.all([
      shards.length ? null : connectAll(rest, connectOne(false), 64).then((c) => (localReceivers = c)),
      ...shards.map((s, j) =>
        s.ask('connect', { proto, host, port, specs: parts[j], nSenders, rooms, selfEcho, concurrency: Math.ceil(64 / shards.length) }),
      ),
    ]);
  } catch (e) {
    for (const s of shards) s.kill();
    for (const s of senders) s.client.close();
    throw e;
  }
  const connectS = (monoUs() - t0Connect) / 1e6;
  const roomSize = new Array(rooms).fill(0);
  for (let i = 0; i < clients; i++) roomSize[i % rooms]++;
  const expectedFor = (tally) =>
    tally.acceptedBy.reduce((sum, a, k) => sum + a * (roomSize[k % rooms] - (selfEcho ? 0 : 1)), 0);

  try {
    // Warm-up: JIT, caches and the first checkpoint happen here, not in the measured phase.
    const w0 = monoUs();
    await Promise.all(groups.map((g) => g.ask('reset', { sinceUs: w0 })));
    const w = await runSaturated(senders, { messages: warmup, window });
    await drain(groups, expectedFor(w), { quietMs: 1500 });
    const warmCounts = await Promise.all(groups.map((g) => g.ask('counts')));
    const perMessage = warmCounts.reduce((a, c) => a + c.deliveries, 0) / Math.max(1, w.accepted);

    await serverProfile('start');
    const cpu0 = await serverStats({ pid: ctx.serverPid });
    const sched0 = ctx.serverPid ? schedStat(ctx.serverPid) : null;
    const sampler = rssSampler(ctx.serverPid);
    const t0 = monoUs();
    await Promise.all(groups.map((g) => g.ask('reset', { sinceUs: t0 })));
    const tally = rate > 0 ? await runPaced(senders, { messages, rate }) : await runSaturated(senders, { messages, window });
    const expected = expectedFor(tally);
    await drain(groups, expected);
    const t1 = monoUs();
    const rssPeak = sampler.stop();
    const cpu1 = await serverStats({ pid: ctx.serverPid });
    const sched1 = ctx.serverPid ? schedStat(ctx.serverPid) : null;
    await serverProfile('stop');
    const reports = await Promise.all(groups.map((g) => g.ask('report', { accepted: tally.acceptedBy })));

    const hist = new Histogram();
    for (const r of reports) hist.merge(r.hist);
    const sum = (key) => reports.reduce((a, r) => a + r[key], 0);
    const deliveries = sum('deliveries');
    const lastAtUs = Math.max(...reports.map((r) => r.lastAtUs));
    const wallS = (t1 - t0) / 1e6;
    const serverCpuUs = cpu0 && cpu1 ? cpu1.cpuUs - cpu0.cpuUs : null;
    const lat = hist.summaryMs();
    const serverCpuPct = serverCpuUs === null ? null : (serverCpuUs / 1e6 / wallS) * 100;
    const serverWaitPct = sched0 && sched1 ? ((sched1.waitUs - sched0.waitUs) / (t1 - t0)) * 100 : null;
    const cpuByProcess = reports.map((r, i) => ({
      role: i === 0 ? 'senders' : 'receivers', pid: r.pid, clients: r.clients, cpuPct: r.cpuPct, userPct: r.cpuUserPct, waitPct: r.waitPct,
    }));
    const busiest = Math.max(...cpuByProcess.map((p) => p.cpuPct));
    const demand = Math.max(...cpuByProcess.map((p) => p.cpuPct + (p.waitPct ?? 0)));
    const total = cpuByProcess.reduce((a, p) => a + p.cpuPct, 0);
    return {
      generator: 'raw',
      protocol: proto,
      clients, rooms, senders: nSenders, window: rate > 0 ? null : window, offeredRate: rate || null,
      messages: tally.sent, accepted: tally.accepted, errors: tally.errors, overloaded: tally.overloaded ?? false,
      perMessage: round(perMessage, 2),
      acceptedPerSec: round(tally.accepted / ((tally.lastAckUs - t0) / 1e6), 0),
      expectedDeliveries: expected,
      deliveries,
      missing: sum('missing'),
      clientsMissing: sum('clientsMissing'),
      extraDeliveries: sum('extra'),
      duplicates: sum('duplicates'),
      droppedClients: sum('droppedClients'),
      // Everything the clients received in the phase (events, replies, PONGs) per delivery: the protocols'
      // envelopes differ (od: a JSON event of a few hundred bytes; IRC: one line).
      bytesPerDelivery: round(sum('bytesRead') / Math.max(1, deliveries), 0),
      deliveriesPerSec: lastAtUs > t0 ? round(deliveries / ((lastAtUs - t0) / 1e6), 0) : 0,
      latencyP50Ms: lat.p50Ms, latencyP99Ms: lat.p99Ms, latencyMaxMs: lat.maxMs,
      serverCpuUsPerDelivery: serverCpuUs === null ? null : round(serverCpuUs / Math.max(1, deliveries), 3),
      serverCpuPct: round(serverCpuPct, 0),
      // Time the server's main thread was runnable but waiting for a CPU: other work had it.
      serverWaitPct: round(serverWaitPct, 0),
      serverDemandPct: serverCpuPct === null || serverWaitPct === null ? null : round(serverCpuPct + serverWaitPct, 0),
      serverRssPeakMb: round(Math.max(rssPeak, cpu1?.rss ?? 0) / 2 ** 20, 1),
      // The busiest generator process (the one that would cap the run) and the sum over all of them.
      generatorCpuPct: round(busiest, 0),
      generatorCpuTotalPct: round(total, 0),
      generatorCpu: cpuByProcess,
      generatorProcs: 1 + shards.length,
      generatorBound: busiest >= GENERATOR_BOUND_PCT,
      // CPU + time waiting for a CPU: at or above the bound, a generator process wanted a whole core, and
      // only a busy machine kept it below (the run is then as much the machine's as the server's).
      generatorDemandPct: round(demand, 0),
      generatorStarved: busiest < GENERATOR_BOUND_PCT && demand >= GENERATOR_BOUND_PCT,
      setupS: round(setupS, 1),
      connectS: round(connectS, 1),
      wallS: round(wallS, 2),
    };
  } finally {
    for (const s of senders) s.client.close();
    for (const c of localReceivers) c.close();
    await Promise.all(shards.map((s) => s.ask('close').catch(() => {})));
    await sleep(100);
    for (const s of shards) s.kill();
  }
}
