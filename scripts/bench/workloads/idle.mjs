// Idle connections: resident memory per idle authenticated connection. Garbage is collected in the server
// (the children run with --expose-gc) before both readings so the difference is live memory.
import { connectMany } from '../lib/client.mjs';
import { accounts } from '../lib/http.mjs';
import { nowUs, round } from '../lib/latency.mjs';
import { serverStats } from '../lib/server-stats.mjs';
import { PASSWORD } from '../lib/setup.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function idle(url, cfg, ctx) {
  const { connections, connsPerUser = 1, settleMs = 1500 } = cfg;
  const nUsers = Math.ceil(connections / connsPerUser);
  const accs = await accounts(url, Array.from({ length: nUsers }, (_, i) => `idle-u${i}`), PASSWORD);
  await sleep(settleMs);
  const before = await serverStats({ gc: true, pid: ctx.serverPid });
  const t0 = nowUs();
  const tokens = Array.from({ length: connections }, (_, i) => accs[i % nUsers].accessToken);
  const conns = await connectMany(url, tokens, {}, 64);
  const connectS = (nowUs() - t0) / 1e6;
  await sleep(settleMs);
  const after = await serverStats({ gc: true, pid: ctx.serverPid });
  const alive = conns.filter((c) => !c.closed).length;
  for (const c of conns) c.close();
  const per = (k) => (before?.[k] != null && after?.[k] != null ? round((after[k] - before[k]) / connections / 1024, 1) : null);
  return {
    connections, users: nUsers, alive,
    connectPerSec: round(connections / connectS, 0),
    rssBeforeMb: before ? round(before.rss / 2 ** 20, 1) : null,
    rssAfterMb: after ? round(after.rss / 2 ** 20, 1) : null,
    rssPerConnKb: per('rss'),
    heapPerConnKb: per('heapUsed'),
  };
}
