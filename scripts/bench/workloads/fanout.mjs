// Fan-out: N clients in R rooms, S senders; saturated (window in flight) or paced (fixed offered rate).
// Figures: accepted messages/s, deliveries/s, send→receive latency, server CPU µs per delivery, RSS.
import { connectMany } from '../lib/client.mjs';
import { createMeter } from '../lib/meter.mjs';
import { drain, runPaced, runSaturated } from '../lib/phases.mjs';
import { nowUs, round } from '../lib/latency.mjs';
import { rssSampler, serverProfile, serverStats } from '../lib/server-stats.mjs';
import { setupRooms } from '../lib/setup.mjs';

const PAD = 'the quick brown fox jumps over the lazy dog while the bench counts deliveries';

export async function fanout(url, cfg, ctx) {
  const { clients, rooms = 1, senders: nSenders, window = 16, messages, rate = 0, warmup = 500 } = cfg;
  const world = await setupRooms(url, { users: clients, rooms, ownerInvite: cfg.ownerInvite });
  const meter = createMeter();
  const conns = await connectMany(url, world.accounts.map((a) => a.accessToken), { meter });
  // Senders are spread over the rooms: clients 0..R-1 are in distinct rooms.
  const senders = Array.from({ length: nSenders }, (_, k) => ({ client: conns[k], roomId: world.roomOf(k), tag: k }));

  // Warm-up: JIT, caches and the first checkpoint happen here, not in the measured phase. It also tells
  // how many deliveries one message makes (room size, including the sender's own copy).
  meter.reset(nowUs());
  const w = await runSaturated(senders, { messages: warmup, window, pad: PAD });
  await drain(meter, warmup * (clients / rooms), { quietMs: 1500 });
  const perMessage = meter.deliveries / Math.max(1, w.accepted);

  await serverProfile('start');
  const cpu0 = await serverStats({ pid: ctx.serverPid });
  const gen0 = process.cpuUsage();
  const sampler = rssSampler(ctx.serverPid);
  const t0 = nowUs();
  meter.reset(t0);
  const tally = rate > 0
    ? await runPaced(senders, { messages, rate, pad: PAD })
    : await runSaturated(senders, { messages, window, pad: PAD });
  const expected = Math.round(tally.accepted * perMessage);
  const missing = await drain(meter, expected);
  const t1 = nowUs();
  const rssPeak = sampler.stop();
  const cpu1 = await serverStats({ pid: ctx.serverPid });
  await serverProfile('stop');
  const gen = process.cpuUsage(gen0);
  const dropped = conns.filter((c) => c.closed).length;
  for (const c of conns) c.close();

  const wallS = (t1 - t0) / 1e6;
  const serverCpuUs = cpu0 && cpu1 ? cpu1.cpuUs - cpu0.cpuUs : null;
  const lat = meter.samples.summary();
  return {
    clients, rooms, senders: nSenders, window: rate > 0 ? null : window, offeredRate: rate || null,
    messages: tally.sent, accepted: tally.accepted, errors: tally.errors, overloaded: tally.overloaded ?? false,
    perMessage: round(perMessage, 2),
    acceptedPerSec: round(tally.accepted / ((tally.lastAckUs - t0) / 1e6), 0),
    deliveries: meter.deliveries, missing, droppedClients: dropped,
    deliveriesPerSec: round(meter.deliveries / ((meter.lastAtUs - t0) / 1e6), 0),
    latencyP50Ms: lat.p50Ms, latencyP99Ms: lat.p99Ms, latencyMaxMs: lat.maxMs,
    serverCpuUsPerDelivery: serverCpuUs === null ? null : round(serverCpuUs / Math.max(1, meter.deliveries), 3),
    serverCpuPct: serverCpuUs === null ? null : round((serverCpuUs / 1e6 / wallS) * 100, 0),
    serverRssPeakMb: round(Math.max(rssPeak, cpu1?.rss ?? 0) / 2 ** 20, 1),
    generatorCpuPct: round(((gen.user + gen.system) / 1e6 / wallS) * 100, 0),
    wallS: round(wallS, 2),
  };
}
