#!/usr/bin/env node
// Voice benchmark: mouth-to-ear latency through the server on loopback, with 2 and with 20 listeners (one
// speaker), the server's CPU per relayed frame, and bandwidth per speaker; then the two Opus bindings' CPU.
//
//   node scripts/bench/voice.mjs [--seconds 10] [--listeners 2,20] [--jitter-frames 2]
//
// The server runs in its own process (this script, forked with --child), built from source on the fly, so
// its CPU time is its own. The speaker and listeners share this process and its clock. Each 20 ms frame is
// "captured" when its tick fires (the moment a microphone would have delivered its 20 ms), encoded, sent;
// each listener puts it through a jitter buffer (fixed target delay) on its own 20 ms playout clock and
// decodes it. Figures: capture → receipt (the network path: encode, client, relay, client) and capture →
// playout (mouth to ear as od adds it: the above plus the jitter buffer's wait), p50 and p99.
// @discordjs/opus is measured too when it can be loaded (it builds from source: `npm install @discordjs/opus`
// in a folder given as OD_BENCH_NATIVE_OPUS, or in this repository).
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const self = fileURLToPath(import.meta.url);

async function bundle() {
  const { build } = await import('esbuild');
  const out = path.join(root, 'node_modules', '.cache', `od-voice-bench-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: `export { startServer } from './packages/server/src/app.ts';
                 export { connect, signup, loadOpus, JitterBuffer, VOICE_FRAME_SAMPLES } from './packages/protocol/src/index.ts';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    alias: { '@open-discord/protocol': path.join(root, 'packages/protocol/src/index.ts') },
    external: ['better-sqlite3', 'ws', 'bcryptjs', 'jsonwebtoken', 'zod', 'commander', 'unicode-confusables', 'sharp', 'opusscript'],
    logLevel: 'error',
  });
  return out;
}

/* ---------- the server child ---------- */

if (process.argv[2] === '--child') {
  const { startServer } = await import(pathToFileURL(process.argv[3]).href);
  const dataDir = fs.mkdtempSync(path.join(root, 'node_modules', '.cache', 'od-voice-bench-data-'));
  const server = await startServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    registration: 'open',
    authRate: null,
    messageRate: null,
    bcryptCost: 4,
    firstRoom: null,
    maxConnectionsPerIp: 10_000,
    log: () => {},
  });
  process.send({ type: 'listening', url: `http://127.0.0.1:${server.port}`, invite: server.firstRunInvite });
  process.on('message', async (m) => {
    if (m.type === 'stats') {
      const cpu = process.cpuUsage();
      process.send({ type: 'stats', cpuUs: cpu.user + cpu.system, userUs: cpu.user, relay: { ...server.app.voice.stats } });
    } else if (m.type === 'stop') {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  await new Promise(() => {});
}

/* ---------- the orchestrator ---------- */

const { values: flags } = parseArgs({
  options: { seconds: { type: 'string' }, listeners: { type: 'string' }, 'jitter-frames': { type: 'string' } },
});
const seconds = Number(flags.seconds ?? 10);
const listenerCounts = (flags.listeners ?? '2,20').split(',').map(Number);
const jitterFrames = Number(flags['jitter-frames'] ?? 2);
const bundlePath = await bundle();
const od = await import(pathToFileURL(bundlePath).href);
const codec = await od.loadOpus();
const FRAME = od.VOICE_FRAME_SAMPLES;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};
const ms = (x) => `${x.toFixed(1)} ms`;

/** Speech-like test audio: a buzz with syllable bursts (every frame has voice, as a talker's would). */
function audio(n) {
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / 48_000;
    let v = 0;
    for (let h = 1; h <= 6; h++) v += Math.sin(2 * Math.PI * 150 * h * t) / h;
    pcm[i] = Math.round(6000 * (0.4 + 0.6 * Math.abs(Math.sin(2 * Math.PI * 2.5 * t))) * v);
  }
  return pcm;
}

async function startChild() {
  const child = fork(self, ['--child', bundlePath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], ...(process.env.OD_BENCH_PROFILE && { execArgv: ['--cpu-prof', `--cpu-prof-dir=${process.env.OD_BENCH_PROFILE}`] }) });
  const info = await new Promise((resolve) => child.once('message', resolve));
  const stats = () =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send({ type: 'stats' });
    });
  const stop = () => new Promise((resolve) => {
    child.once('exit', resolve);
    child.send({ type: 'stop' });
  });
  return { ...info, stats, stop };
}

async function scenario(listenerCount) {
  const server = await startChild();
  const password = 'bench-password-1';
  await od.signup(server.url, { username: 'speaker', password, invite: server.invite });
  const speaker = await od.connect(server.url, { username: 'speaker', password });
  const { room } = await speaker.request('room.create', { name: 'bench', kind: 'voice' });
  const captured = new Map();
  const receipt = [];
  const playout = [];
  const listeners = [];
  for (let i = 0; i < listenerCount; i++) {
    const username = `listener${i}`;
    await od.signup(server.url, { username, password });
    const client = await od.connect(server.url, { username, password });
    await client.voiceJoin(room.id);
    const jitter = new od.JitterBuffer({ targetFrames: jitterFrames });
    const decoder = codec.decoder();
    client.on('voice', (a) => {
      const at = captured.get(a.seq);
      if (at !== undefined && a.seq >= warmup) receipt.push(performance.now() - at);
      jitter.push(a.seq, a.payload, a.end);
    });
    listeners.push({ client, jitter, decoder });
  }
  await speaker.voiceJoin(room.id);
  // The server's own idle CPU (timers, upkeep) over one quiet second, subtracted from the relay's.
  const idle0 = await server.stats();
  await new Promise((r) => setTimeout(r, 1000));
  const idleUsPerMs = ((await server.stats()).cpuUs - idle0.cpuUs) / 1000;

  // One second of warm-up first (JIT, the codec's WebAssembly, socket buffers), not counted.
  const warmup = 50;
  const frames = warmup + Math.round((seconds * 1000) / 20);
  const pcm = audio(frames * FRAME);
  const enc = codec.encoder();
  let wireUp = 0;
  let payloadBytes = 0;
  let sent = 0;
  let before = null;
  let beforeAt = 0;
  const t0 = performance.now();
  // Each listener's playout clock: every 20 ms, one frame from its jitter buffer (decoded, as it would be played).
  const playTimers = listeners.map((l, k) => {
    let tick = 0;
    const startAt = t0 + (k % 20); // clocks not in phase with the speaker's, as real sound cards are not
    const run = () => {
      const out = l.jitter.pull();
      if (out.kind === 'frame') {
        l.decoder.decode(out.payload);
        const at = captured.get(out.seq);
        if (at !== undefined && out.seq >= warmup) playout.push(performance.now() - at);
      }
      tick++;
      l.timer = setTimeout(run, Math.max(0, startAt + tick * 20 - performance.now()));
    };
    l.timer = setTimeout(run, Math.max(0, startAt - performance.now()));
    return l;
  });
  for (let i = 0; i < frames; i++) {
    if (i === warmup) {
      before = await server.stats();
      beforeAt = performance.now();
    }
    const due = t0 + i * 20;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    captured.set(i & 0xffff, performance.now());
    const payload = enc.encode(pcm.subarray(i * FRAME, (i + 1) * FRAME));
    if (speaker.sendVoice({ seq: i & 0xffff, timestamp: Date.now() >>> 0, payload, end: i === frames - 1 }) && i >= warmup) {
      sent++;
      payloadBytes += payload.length;
      const body = payload.length + 10;
      wireUp += body + (body < 126 ? 6 : 8); // WebSocket header, masked (client → server)
    }
  }
  await new Promise((r) => setTimeout(r, 200 + jitterFrames * 20));
  const after = await server.stats();
  const windowMs = performance.now() - beforeAt;
  for (const t of playTimers) clearTimeout(t.timer);
  enc.close();
  const relayed = after.relay.relayed - before.relay.relayed;
  // Frames still arriving when `before` was read (the warm-up's) are few; the window is `seconds` long.
  const delivered = after.relay.sent - before.relay.sent;
  const cpuUs = Math.max(0, after.cpuUs - before.cpuUs - idleUsPerMs * windowMs);
  const result = {
    listeners: listenerCount,
    framesSent: sent,
    delivered,
    dropped: after.relay.dropped - before.relay.dropped,
    receiptP50: pct(receipt, 50),
    receiptP99: pct(receipt, 99),
    playoutP50: pct(playout, 50),
    playoutP99: pct(playout, 99),
    cpuPerRelayedUs: cpuUs / Math.max(1, relayed),
    cpuPerDeliveredUs: cpuUs / Math.max(1, delivered),
    userShare: (after.userUs - before.userUs) / Math.max(1, after.cpuUs - before.cpuUs),
    payloadKbps: (payloadBytes * 8) / seconds / 1000,
    wireUpKbps: (wireUp * 8) / seconds / 1000,
  };
  for (const l of listeners) {
    l.decoder.close();
    l.client.close();
  }
  speaker.close();
  await server.stop();
  return result;
}

console.log(`voice bench: ${seconds} s of 20 ms Opus frames from one speaker; jitter buffer ${jitterFrames} frames (${jitterFrames * 20} ms)`);
for (const n of listenerCounts) {
  const r = await scenario(n);
  console.log(`\n${n} listeners: ${r.framesSent} frames sent, ${r.delivered} delivered (${r.dropped} dropped)`);
  console.log(`  capture → receipt (encode, send, relay, receive):   p50 ${ms(r.receiptP50)}  p99 ${ms(r.receiptP99)}`);
  console.log(`  capture → playout (mouth to ear as od adds it):     p50 ${ms(r.playoutP50)}  p99 ${ms(r.playoutP99)}`);
  console.log(`  server CPU (its idle CPU subtracted): ${r.cpuPerRelayedUs.toFixed(1)} µs per relayed frame, ${r.cpuPerDeliveredUs.toFixed(1)} µs per frame delivered to a listener (${Math.round(r.userShare * 100)}% in JavaScript, the rest in the kernel's socket calls)`);
  console.log(`  bandwidth per speaker: ${r.payloadKbps.toFixed(1)} kbit/s of Opus, ${r.wireUpKbps.toFixed(1)} kbit/s up on the wire; each listener receives about the same`);
}

/* ---------- the Opus bindings ---------- */

const tenSeconds = audio(500 * FRAME);
function timeCodec(name, encodeFrame, decodeFrame) {
  const packets = [];
  let t = performance.now();
  for (let i = 0; i < 500; i++) packets.push(encodeFrame(tenSeconds.subarray(i * FRAME, (i + 1) * FRAME)));
  const encMs = performance.now() - t;
  t = performance.now();
  for (const p of packets) decodeFrame(p);
  const decMs = performance.now() - t;
  console.log(`  ${name.padEnd(16)} encode 10 s: ${ms(encMs)}  decode 10 s: ${ms(decMs)}`);
}
console.log('\nOpus bindings (10 s of 48 kHz mono speech-like audio, 20 ms frames, 24 kbit/s):');
{
  const e = codec.encoder();
  const d = codec.decoder();
  timeCodec('opusscript', (f) => e.encode(f), (p) => d.decode(p));
  e.close();
  d.close();
}
try {
  const base = process.env.OD_BENCH_NATIVE_OPUS ? path.join(process.env.OD_BENCH_NATIVE_OPUS, 'x.js') : path.join(root, 'x.js');
  const { OpusEncoder } = createRequire(base)('@discordjs/opus');
  const e = new OpusEncoder(48_000, 1);
  e.setBitrate(24_000);
  const d = new OpusEncoder(48_000, 1);
  timeCodec('@discordjs/opus', (f) => e.encode(Buffer.from(f.buffer, f.byteOffset, f.byteLength)), (p) => d.decode(p));
} catch (error) {
  console.log(`  @discordjs/opus  not installed here (${String(error.message).split('\n')[0]}); set OD_BENCH_NATIVE_OPUS to a folder where it is`);
}
fs.rmSync(bundlePath, { force: true });
