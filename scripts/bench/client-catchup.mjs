#!/usr/bin/env node
// Catch-up through the typed client: how fast a fresh OdClient that resumes from order 0 gets every event
// of a long log to its listeners (what a bot or `od` sees), against a raw socket that only JSON.parses the
// replay frames (the ceiling the server and the wire allow).
//
// Starts the BUILT server (packages/server/dist, through od-server-child.mjs) with a snapshot threshold
// above the log's length so that the whole log is replayed, writes N messages through a few typed clients,
// then measures each reader `--runs` times, the readers taking turns (one JSON line each, then a table of
// medians). For each build of the typed client given (`--client`, repeatable; default: this checkout's):
//   wire      against the server: OdClient({ lastOrder: 0 }) until live, with
//               event   a counting `event` listener (what a bot that only reacts sees),
//               world   every event folded into the protocol World with applyEvent, as `od` and bots do,
//               pages   the `events` listener folding each page with applyEvents (builds that have it);
//             plus, once, `raw`: ws + JSON.parse per frame. Wall-clock events/s is capped by the server's
//             replay rate, so each line also gives the reader's own CPU per event and the server's.
//   recorded  the replay frames the raw reader received, fed to a fresh OdClient through an injected socket
//             (one frame per event-loop turn, as a socket hands them over): the typed client's own ceiling,
//             without the server. This is the figure to compare before and after a change to the client.
// The machine is shared by both processes (and whatever else runs): compare builds within one run.
//
// Usage: npm run build && node scripts/bench/client-catchup.mjs [--events 100000] [--runs 5]
//          [--client [label=]path/to/protocol/dist/index.js]...   (default: packages/protocol/dist)
//          [--save-frames file]   (the recorded frames, one per line, for profiling the decoder alone)
// To compare with an older build: build that commit's packages/protocol elsewhere (tsup src/index.ts
// --format esm --out-dir <dir>, next to a node_modules that has zod and ws) and pass both with --client.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flags = (name) => args.flatMap((a, i) => (a === `--${name}` && args[i + 1] !== undefined ? [args[i + 1]] : []));
const flag = (name, fallback) => flags(name)[0] ?? fallback;
const EVENTS = Number(flag('events', 100_000));
const RUNS = Number(flag('runs', 5));
const WRITERS = 4;
const WINDOW = 64;
const PAD = 'catch-up filler text of an ordinary chat line, long enough to look like one';
const now = () => performance.now();
const round = (x) => Math.round(x);

const clientArgs = flags('client');
const clients = [];
for (const spec of clientArgs.length ? clientArgs : [path.join(here, '../../packages/protocol/dist/index.js')]) {
  const [label, file] = spec.includes('=') ? spec.split(/=(.*)/s) : [null, spec];
  const abs = path.resolve(file);
  clients.push({ label: label ?? path.relative(process.cwd(), abs), od: await import(pathToFileURL(abs).href) });
}
/** Setup (accounts, writes) goes through the first build. */
const od = clients[0].od;

/* ---------- the server ---------- */

function startServer(dataDir) {
  const child = fork(path.join(here, 'od-server-child.mjs'), [JSON.stringify({ dataDir, snapshotThreshold: 10_000_000 })], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    child.on('message', (msg) => {
      if (msg?.type === 'listening') resolve({ url: msg.url, ownerInvite: msg.ownerInvite, child });
    });
  });
}

let statsReq = 0;
/** The server child's own CPU time in µs (it answers over IPC, see lib/child-ipc.mjs). */
function serverCpuUs(child) {
  const reqId = ++statsReq;
  return new Promise((resolve) => {
    const on = (msg) => {
      if (msg?.type !== 'stats' || msg.reqId !== reqId) return;
      child.off('message', on);
      resolve(msg.cpuUs);
    };
    child.on('message', on);
    child.send({ type: 'stats', reqId });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.send({ type: 'stop' });
  });
}

const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/* ---------- writing the log ---------- */

const tokensOf = (pair) => ({ getAccessToken: async () => pair.accessToken });

function typedClient(lib, opts) {
  const client = new lib.OdClient({ requestTimeoutMs: 120_000, ...opts });
  client.on('warning', (w) => console.error(`warning: ${w}`));
  return client;
}

async function writeLog(url, ownerInvite) {
  const owner = await od.signup(url, { username: 'cc-owner', password: 'bench-password-1', invite: ownerInvite });
  const writers = [];
  for (let k = 0; k < WRITERS; k++) writers.push(await od.signup(url, { username: `cc-w${k}`, password: 'bench-password-1' }));
  const reader = await od.signup(url, { username: 'cc-reader', password: 'bench-password-1' });
  const probe = typedClient(od, { url, tokens: tokensOf(owner) });
  await probe.connect();
  const state = await probe.request('state', {});
  probe.close();
  const roomId = state.rooms[0].id;

  const t0 = now();
  let seq = 0;
  await Promise.all(
    writers.map(async (pair, k) => {
      const c = typedClient(od, { url, tokens: tokensOf(pair) });
      await c.connect();
      const quota = Math.floor(EVENTS / WRITERS) + (k < EVENTS % WRITERS ? 1 : 0);
      let sent = 0;
      const lane = async () => {
        while (sent < quota) {
          const n = seq++;
          sent++;
          await c.request('message.send', { roomId, text: `${n} ${PAD}`, nonce: `w${k}-${n}` });
        }
      };
      await Promise.all(Array.from({ length: WINDOW }, lane));
      c.close();
    }),
  );
  return { reader, writeMsgsPerSec: round(EVENTS / ((now() - t0) / 1000)) };
}

/* ---------- the readers ---------- */

/** Raw: a socket, JSON.parse per frame, count replay events until the page with more: false. Keeps the frames. */
function rawCatchup(url, pair, frames) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { perMessageDeflate: false });
    let events = 0;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: pair.accessToken, resumeAfter: 0 })));
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      frames?.push(data);
      if (f.type === 'replay') {
        events += f.events.length;
        if (!f.more) {
          const ms = now() - t0;
          ws.terminate();
          resolve({ events, ms });
        }
      } else if (f.type === 'ready' && !f.replaying) reject(new Error('the server did not replay'));
    });
    ws.on('error', reject);
  });
}

/** Listeners as a bot attaches them: count events, fold each into the World (`world`) or each page (`pages`). */
function listen(lib, client, mode) {
  const seen = { events: 0, world: null };
  if (mode === 'event') {
    client.on('event', () => seen.events++);
    return seen;
  }
  client.on('ready', (ready) => {
    seen.world = lib.worldFromState({ head: 0, me: ready.user, users: [], rooms: [], categories: [], roles: [], readMarkers: {}, unread: {} });
  });
  if (mode === 'world') {
    client.on('event', (e) => {
      seen.events++;
      seen.world = lib.applyEvent(seen.world, e);
    });
  } else {
    client.on('events', (es) => {
      seen.events += es.length;
      seen.world = lib.applyEvents(seen.world, es);
    });
  }
  return seen;
}

const worldFacts = (w) => (w ? { worldHead: w.head, messagesLoaded: Object.values(w.messages).reduce((n, l) => n + l.length, 0) } : {});

/** A fresh OdClient resuming from 0 until live. */
async function typedCatchup(lib, mode, opts) {
  const t0 = now();
  const client = typedClient(lib, { lastOrder: 0, ...opts });
  const seen = listen(lib, client, mode);
  await client.connect();
  const ms = now() - t0;
  client.close();
  return { events: seen.events, ms, ...worldFacts(seen.world) };
}

/**
 * A socket that plays recorded server frames: `ready` once the client's auth arrives, then one frame per
 * event-loop turn (setImmediate), as a real socket hands over frames read from the network.
 */
function recordedSocket(frames) {
  return () => {
    const socket = {
      readyState: 0,
      send(data) {
        if (!String(data).includes('"auth"')) return;
        let i = 0;
        const next = () => {
          if (socket.readyState !== 1 || i >= frames.length) return;
          socket.onmessage?.({ data: frames[i++] });
          setImmediate(next);
        };
        setImmediate(next);
      },
      close() {
        if (socket.readyState === 3) return;
        socket.readyState = 3;
        setImmediate(() => socket.onclose?.({ code: 1000, reason: '' }));
      },
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
    };
    setImmediate(() => {
      socket.readyState = 1;
      socket.onopen?.(undefined);
    });
    return socket;
  };
}

/** Run one reader, with this process's and (on the wire) the server's CPU time over the run. */
async function measure(read, child) {
  const s0 = child ? await serverCpuUs(child) : 0;
  const c0 = cpuUs();
  const r = await read();
  const clientCpu = cpuUs() - c0;
  const serverCpu = child ? (await serverCpuUs(child)) - s0 : null;
  return {
    ...r,
    ms: round(r.ms),
    eventsPerSec: round(r.events / (r.ms / 1000)),
    clientCpuUsPerEvent: Number((clientCpu / r.events).toFixed(2)),
    ...(serverCpu !== null && { serverCpuUsPerEvent: Number((serverCpu / r.events).toFixed(2)) }),
  };
}

/* ---------- main ---------- */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-client-catchup-'));
const server = await startServer(dataDir);
try {
  const setup = await writeLog(server.url, server.ownerInvite);
  console.log(JSON.stringify({ written: EVENTS, writeMsgsPerSec: setup.writeMsgsPerSec, clients: clients.map((c) => c.label) }));
  const frames = [];
  const wire = { url: server.url, tokens: tokensOf(setup.reader) };
  const recorded = () => ({ url: 'http://recorded.invalid', tokens: { getAccessToken: async () => 't' }, webSocket: recordedSocket(frames) });
  const readers = [{ name: 'wire raw', wire: true, read: () => rawCatchup(server.url, setup.reader, frames.length ? null : frames) }];
  for (const where of ['wire', 'recorded']) {
    for (const { label, od: lib } of clients) {
      for (const mode of ['event', 'world', 'pages']) {
        if (mode === 'pages' && typeof lib.applyEvents !== 'function') continue;
        const name = `${where} ${mode}${clients.length > 1 ? ` [${label}]` : ''}`;
        readers.push({ name, wire: where === 'wire', read: () => typedCatchup(lib, mode, where === 'wire' ? wire : recorded()) });
      }
    }
  }
  const results = new Map();
  const save = flag('save-frames', null);
  for (let run = 0; run < RUNS; run++) {
    for (const { name, wire: onWire, read } of readers) {
      const line = { reader: name, run, ...(await measure(read, onWire ? server.child : null)) };
      console.log(JSON.stringify(line));
      results.set(name, [...(results.get(name) ?? []), line]);
      if (save && name === 'wire raw' && run === 0) fs.writeFileSync(save, frames.map((f) => f.toString()).join('\n'));
    }
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nmedians of ${RUNS} runs, ${EVENTS} messages (+ setup events):`);
  console.table(
    Object.fromEntries(
      [...results].map(([name, lines]) => [
        name,
        {
          'events/s': median(lines.map((l) => l.eventsPerSec)),
          'ms until live': median(lines.map((l) => l.ms)),
          'client CPU µs/event': median(lines.map((l) => l.clientCpuUsPerEvent)),
        },
      ]),
    ),
  );
} finally {
  await stopServer(server.child);
  fs.rmSync(dataDir, { recursive: true, force: true });
}
