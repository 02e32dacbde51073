// Login storm: password logins at a fixed rate while other users chat at a fixed rate. Message latency
// is measured first without logins (calm) and then during the storm: hashing must not stall the loop.
import { connectMany } from '../lib/client.mjs';
import { createMeter } from '../lib/meter.mjs';
import { drain, runPaced } from '../lib/phases.mjs';
import { accounts, postJson } from '../lib/http.mjs';
import { createSamples, nowUs, round } from '../lib/latency.mjs';
import { PASSWORD, setupRooms } from '../lib/setup.mjs';

const PAD = 'a chat line sent while other people are logging in';

async function measure(senders, meter, cfg, durationMs) {
  meter.reset(nowUs());
  const messages = Math.round((cfg.rate * durationMs) / 1000);
  const tally = await runPaced(senders, { messages, rate: cfg.rate, pad: PAD });
  await drain(meter, Math.round(tally.accepted * cfg.clients), { quietMs: 3000 });
  const s = meter.samples.summary();
  return { messages, accepted: tally.accepted, p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs, deliveries: meter.deliveries };
}

function storm(url, names, rate, durationMs) {
  const lat = createSamples(4096);
  const statuses = {};
  let inflight = 0;
  let sent = 0;
  const total = Math.round((rate * durationMs) / 1000);
  const t0 = nowUs();
  return new Promise((resolve) => {
    const finish = () => {
      if (sent === total && inflight === 0) {
        const s = lat.summary();
        // Completed logins per second from the first attempt to the last answer: a server that hashes
        // slower than the offered rate shows a lower figure here and a growing login latency.
        const spanS = (nowUs() - t0) / 1e6;
        const completedPerSec = round((statuses[200] ?? 0) / spanS, 1);
        resolve({ attempted: total, statuses, completedPerSec, loginP50Ms: s.p50Ms, loginP99Ms: s.p99Ms, loginMaxMs: s.maxMs });
      }
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((nowUs() - t0) / 1e6) * rate));
      while (sent < due) {
        const username = names[sent++ % names.length];
        inflight++;
        const ts = nowUs();
        postJson(url, '/api/login', { username, password: PASSWORD })
          .then((r) => {
            statuses[r.status] = (statuses[r.status] ?? 0) + 1;
            if (r.status === 200) lat.add(nowUs() - ts);
          })
          .catch(() => {
            statuses.error = (statuses.error ?? 0) + 1;
          })
          .finally(() => {
            inflight--;
            finish();
          });
      }
      if (sent >= total) clearInterval(timer);
    }, 5);
  });
}

export async function loginStorm(url, cfg) {
  const { clients = 50, users = 10, senders: nSenders = 5, rate = 100, loginRate = 20, loginUsers = 5, calmMs = 4000, stormMs = 8000 } = cfg;
  const world = await setupRooms(url, { users, rooms: 1, prefix: 'ls', ownerInvite: cfg.ownerInvite });
  const loginNames = Array.from({ length: loginUsers }, (_, i) => `ls-login${i}`);
  await accounts(url, loginNames, PASSWORD, 2);
  const meter = createMeter();
  const tokens = Array.from({ length: clients }, (_, i) => world.accounts[i % users].accessToken);
  const conns = await connectMany(url, tokens, { meter });
  const senders = Array.from({ length: nSenders }, (_, k) => ({ client: conns[k], roomId: world.roomIds[0], tag: k }));
  const run = { clients, rate };
  await measure(senders, meter, run, 1000); // warm-up
  const calm = await measure(senders, meter, run, calmMs);
  const [during, logins] = await Promise.all([measure(senders, meter, run, stormMs), storm(url, loginNames, loginRate, stormMs)]);
  for (const c of conns) c.close();
  return {
    clients, rate, loginRate,
    calmP50Ms: calm.p50Ms, calmP99Ms: calm.p99Ms, calmMaxMs: calm.maxMs,
    stormP50Ms: during.p50Ms, stormP99Ms: during.p99Ms, stormMaxMs: during.maxMs,
    ...logins,
  };
}
