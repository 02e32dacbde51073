// Abuse flood: a healthy client measures request round trips (a one-message history page, paced) first
// in calm, then while 100 hostile sockets (13 accounts, 2 loopback addresses other than the healthy
// client's) send malformed frames of up to 60 KB — invalid JSON, deep nesting, unknown request types with
// big payloads — at a bounded total rate for a bounded time, reconnecting whenever the server closes them.
// Reports the healthy client's p50/p99 in both phases and how much of the flood the server took.
// The flood runs on a worker thread, so generating it does not stall the healthy client's own event loop
// (the two still share the machine's CPUs with the server).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { connectClient } from '../lib/client.mjs';
import { createSamples, nowUs, round } from '../lib/latency.mjs';
import { PASSWORD, setupRooms } from '../lib/setup.mjs';
import { accounts } from '../lib/http.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The hostile frames, built once: sent as text frames without re-encoding. */
function hostileFrames() {
  const big = 'x'.repeat(60_000);
  return [
    Buffer.from(`{"id":"a","type":"no.such.type","junk":"${big}"}`),
    Buffer.from(`{"id":"b","type":"message.send","roomId":"r","text":"${big}","nonce":"n"}`),
    Buffer.from('['.repeat(30_000) + ']'.repeat(30_000)),
    Buffer.from(`{"id":"c","type":"state",${'"k":1,'.repeat(9_000)}"z":`), // invalid JSON, 54 KB
    Buffer.from(`{"id":"d","type":"sync","after":{"a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_001)}}`),
  ];
}

/** Paced round trips from the healthy client for `ms`. */
async function roundTrips(client, roomId, ms, perSec) {
  const samples = createSamples(8192);
  const errors = {};
  const end = Date.now() + ms;
  let next = Date.now();
  while (Date.now() < end) {
    const t = nowUs();
    const r = await client.request('history', { roomId, limit: 1 });
    if (r.ok) samples.add(nowUs() - t);
    else errors[r.error.code] = (errors[r.error.code] ?? 0) + 1;
    next += 1000 / perSec;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
  }
  const s = samples.summary();
  return { p50Ms: s.p50Ms, p99Ms: s.p99Ms, maxMs: s.maxMs, n: s.count, errors };
}

/** 100 hostile sockets, bounded total frame rate and duration; reconnect on close until time is up. */
function flood(url, tokens, { sockets, addresses, ratePerSec, ms }) {
  const frames = hostileFrames();
  const wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
  const stats = { sent: 0, bytes: 0, closes: {}, connects: 0 };
  const open = new Set();
  const end = Date.now() + ms;
  let stopped = false;
  const connect = (i) => {
    if (stopped || Date.now() >= end) return;
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false, localAddress: addresses[i % addresses.length] });
    ws.on('open', () => {
      stats.connects++;
      ws.send(JSON.stringify({ type: 'auth', token: tokens[i % tokens.length] }));
      open.add(ws);
    });
    ws.on('message', () => {});
    ws.on('error', () => {});
    ws.on('close', (code) => {
      open.delete(ws);
      stats.closes[code] = (stats.closes[code] ?? 0) + 1;
      setTimeout(() => connect(i), 50);
    });
  };
  for (let i = 0; i < sockets; i++) connect(i);
  const t0 = Date.now();
  let k = 0;
  return new Promise((resolve) => {
    const tick = setInterval(() => {
      const due = Math.floor(((Date.now() - t0) / 1000) * ratePerSec);
      const list = [...open];
      while (stats.sent < due && list.length > 0) {
        const ws = list[k++ % list.length];
        const f = frames[k % frames.length];
        // Bounded by the socket's own buffer too: a server that stops reading does not grow our memory.
        if (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 1_000_000) {
          ws.send(f, { binary: false });
          stats.bytes += f.length;
        }
        stats.sent++;
      }
      if (Date.now() >= end) {
        clearInterval(tick);
        stopped = true;
        for (const ws of open) ws.terminate();
        resolve(stats);
      }
    }, 10);
  });
}

export async function abuseFlood(url, cfg) {
  const { sockets = 100, hostileAccounts = 13, ratePerSec = 3000, calmMs = 4000, floodMs = 8000, probesPerSec = 20 } = cfg;
  const addresses = cfg.addresses ?? ['127.0.0.2', '127.0.0.3'];
  const world = await setupRooms(url, { users: 1, rooms: 1, prefix: 'af', ownerInvite: cfg.ownerInvite });
  const hostile = await accounts(url, Array.from({ length: hostileAccounts }, (_, i) => `af-h${i}`), PASSWORD, 4);
  const healthy = await connectClient(url, world.accounts[0].accessToken);
  const roomId = world.roomIds[0];
  await healthy.request('message.send', { roomId, text: 'hello', nonce: 'af-1' });
  await roundTrips(healthy, roomId, 500, probesPerSec); // warm-up
  const calm = await roundTrips(healthy, roomId, calmMs, probesPerSec);
  const [during, f] = await Promise.all([
    roundTrips(healthy, roomId, floodMs, probesPerSec),
    floodInWorker(url, hostile.map((a) => a.accessToken), { sockets, addresses, ratePerSec, ms: floodMs }),
  ]);
  const alive = healthy.ws.readyState === WebSocket.OPEN;
  healthy.close();
  return {
    sockets, addresses: addresses.length, hostileAccounts, ratePerSec,
    calmP50Ms: calm.p50Ms, calmP99Ms: calm.p99Ms,
    floodP50Ms: during.p50Ms, floodP99Ms: during.p99Ms, floodMaxMs: during.maxMs,
    probes: during.n, probeErrors: during.errors, healthyStillOpen: alive,
    floodFramesSent: f.sent, floodMb: round(f.bytes / 1e6, 1), floodConnects: f.connects, floodCloses: f.closes,
  };
}

function floodInWorker(url, tokens, opts) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { url, tokens, opts } });
    w.once('message', (stats) => {
      resolve(stats);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

if (!isMainThread && workerData?.opts) {
  flood(workerData.url, workerData.tokens, workerData.opts).then((stats) => parentPort.postMessage(stats));
}
