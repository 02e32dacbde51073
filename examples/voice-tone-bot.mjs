#!/usr/bin/env node
/**
 * Voice tone bot: joins a voice room through the typed client and plays into it a generated tone (a sine at
 * --freq Hz, with a short fade in and out) or a WAV file given with --wav (any PCM WAV: it is mixed down to
 * mono and resampled to 48 kHz). Each 20 ms of audio is Opus-encoded here and sent as a voice frame; the
 * server relays it to the room's other participants. It listens too: it logs who it hears.
 *
 *   node examples/voice-tone-bot.mjs --url http://127.0.0.1:7331 --username tone --password '...' --room lounge
 *   node examples/voice-tone-bot.mjs ... --room lounge --wav hello.wav [--loop]
 *
 * --seconds N plays the tone for N seconds (default 5); --loop repeats until stopped (Ctrl-C). Flags fall back
 * to OD_URL, OD_USERNAME, OD_PASSWORD and OD_INVITE; with --invite the bot signs up first.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ProtocolError, VOICE_FRAME_SAMPLES, VOICE_SAMPLE_RATE, connect, loadOpus, signup } from '@open-discord/protocol';

const { values: flags } = parseArgs({
  options: {
    url: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    invite: { type: 'string' },
    room: { type: 'string' },
    wav: { type: 'string' },
    freq: { type: 'string' },
    seconds: { type: 'string' },
    loop: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  console.log('usage: voice-tone-bot.mjs --url URL --username NAME --password PASS --room VOICE-ROOM [--wav FILE | --freq HZ --seconds N] [--loop] [--invite CODE]');
  process.exit(0);
}

const url = flags.url ?? process.env.OD_URL ?? 'http://127.0.0.1:7331';
const username = flags.username ?? process.env.OD_USERNAME;
const password = flags.password ?? process.env.OD_PASSWORD;
const invite = flags.invite ?? process.env.OD_INVITE;
const roomName = (flags.room ?? '').replace(/^#/, '').toLowerCase();
if (!username || !password || !roomName) {
  console.error('voice-tone-bot: --username, --password and --room are required');
  process.exit(2);
}
const log = (...args) => console.error(new Date().toISOString(), ...args);

/** Samples of a PCM WAV file as 48 kHz mono s16 (mixed down, linearly resampled). */
function readWav(file) {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file} is not a WAV file`);
  let at = 12;
  let fmt = null;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') fmt = { format: b.readUInt16LE(body), channels: b.readUInt16LE(body + 2), rate: b.readUInt32LE(body + 4), bits: b.readUInt16LE(body + 14) };
    if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bits !== 16) throw new Error(`${file}: only 16-bit PCM WAV is supported`);
      const frames = Math.floor(Math.min(size, b.length - body) / (2 * fmt.channels));
      const mono = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < fmt.channels; c++) sum += b.readInt16LE(body + (i * fmt.channels + c) * 2);
        mono[i] = sum / fmt.channels;
      }
      const n = Math.floor((frames * VOICE_SAMPLE_RATE) / fmt.rate);
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) {
        const x = (i * fmt.rate) / VOICE_SAMPLE_RATE;
        const i0 = Math.floor(x);
        const i1 = Math.min(frames - 1, i0 + 1);
        out[i] = Math.round(mono[i0] + (mono[i1] - mono[i0]) * (x - i0));
      }
      return out;
    }
    at = body + size + (size & 1);
  }
  throw new Error(`${file}: no audio data`);
}

/** A sine at `freq` Hz, `seconds` long, at a quarter of full scale, faded in and out over 10 ms. */
function tone(freq, seconds) {
  const n = Math.round(seconds * VOICE_SAMPLE_RATE);
  const fade = VOICE_SAMPLE_RATE / 100;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(8192 * Math.min(1, i / fade, (n - i) / fade) * Math.sin((2 * Math.PI * freq * i) / VOICE_SAMPLE_RATE));
  return out;
}

const audio = flags.wav ? readWav(flags.wav) : tone(Number(flags.freq ?? 440), Number(flags.seconds ?? 5));
const codec = await loadOpus();

if (invite) {
  try {
    await signup(url, { username, password, invite });
    log(`signed up as ${username}`);
  } catch (error) {
    if (!(error instanceof ProtocolError && error.code === 'CONFLICT')) throw error;
  }
}

let roomId = null;
const client = await connect(url, { username, password }, {
  setup: (c) => {
    c.on('snapshot', (state) => {
      roomId = state.rooms.find((r) => r.kind === 'voice' && r.name.toLowerCase() === roomName)?.id ?? null;
    });
    c.on('voiceSpeaking', (n) => {
      if (n.roomId === roomId) log(`${n.userId} ${n.speaking ? 'started' : 'stopped'} speaking`);
    });
    c.on('voiceEnded', (reason) => log(`out of voice (${reason})`));
    c.on('warning', (w) => log(`warning: ${w}`));
  },
});
if (!roomId) {
  log(`no voice room named ${roomName} that this bot can see`);
  client.close();
  process.exit(1);
}

/** Join (again after a reconnect), then play: one frame every 20 ms, on a schedule that does not drift. */
async function play() {
  await client.voiceJoin(roomId);
  log(`in voice in #${roomName}; playing ${(audio.length / VOICE_SAMPLE_RATE).toFixed(1)} s`);
  const enc = codec.encoder();
  const frames = Math.floor(audio.length / VOICE_FRAME_SAMPLES);
  const startedAt = Date.now();
  let seq = 0;
  for (let i = 0; ; i++) {
    if (i === frames) {
      if (!flags.loop) break;
      i = 0;
    }
    const payload = enc.encode(audio.subarray(i * VOICE_FRAME_SAMPLES, (i + 1) * VOICE_FRAME_SAMPLES));
    client.sendVoice({ seq: seq & 0xffff, timestamp: Date.now() >>> 0, payload, end: !flags.loop && i === frames - 1 });
    seq++;
    const due = startedAt + seq * 20;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    if (!client.voice) return false; // dropped: the caller joins again
  }
  enc.close();
  return true;
}

const stop = async () => {
  await client.voiceLeave().catch(() => {});
  client.close();
};
process.on('SIGINT', () => void stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

for (;;) {
  try {
    if (await play()) break;
  } catch (error) {
    log(`voice failed: ${error.message}; trying again`);
  }
  await new Promise((r) => setTimeout(r, 1000));
}
log('done');
await stop();
