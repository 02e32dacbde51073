import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, loadOpus, signup, VOICE_FRAME_SAMPLES, type OdClient, type VoiceAudio } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';
import { rmsDb } from './client-support/voice-audio.js';

/*
 * examples/voice-tone-bot.mjs as a user runs it: a separate node process importing the BUILT protocol
 * package, joining a voice room and playing a tone (or a WAV file) into it; a typed client in the room
 * decodes what arrives and checks its pitch, level and duration.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'packages/protocol/dist/index.js');
const srcDir = path.join(root, 'packages/protocol/src');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < newestMtime(srcDir)) {
    execFileSync('npm', ['run', 'build', '-w', '@open-discord/protocol'], { cwd: root, stdio: 'ignore', timeout: 60_000 });
  }
}, 90_000);

let dir: string;
let server: RunningServer;
let alice: OdClient | null = null;
let bot: ChildProcess | null = null;

afterEach(async () => {
  alice?.close();
  if (bot?.pid && bot.exitCode === null) {
    const exited = new Promise((r) => bot!.once('exit', r));
    process.kill(bot.pid, 'SIGTERM');
    await exited;
  }
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Alice in the voice room `lounge`, collecting what she hears; the bot's account exists. */
async function setup(): Promise<{ heard: VoiceAudio[] }> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-voice-bot-'));
  server = await startServer({ dataDir: dir, port: 0, registration: 'open', bcryptCost: 4, authRate: null, firstRoom: null, log: () => {} });
  const pair = await signup(server.url, { username: 'alice', password: 'alice-password-1' });
  await server.app.services.roles.grant(null, { userId: pair.user.id, roleId: 'owner' });
  await signup(server.url, { username: 'tonebot', password: 'bot-password-1' });
  const heard: VoiceAudio[] = [];
  alice = await connect(server.url, { username: 'alice', password: 'alice-password-1' }, { setup: (c) => c.on('voice', (a) => heard.push(a)) });
  const { room } = await alice.request('room.create', { name: 'lounge', kind: 'voice' });
  await alice.voiceJoin(room.id);
  return { heard };
}

function runBot(args: string[]): Promise<{ code: number | null; stderr: string }> {
  bot = spawn(process.execPath, [path.join(root, 'examples/voice-tone-bot.mjs'), '--url', server.url, '--room', 'lounge', ...args], {
    cwd: root,
    env: { ...process.env, OD_USERNAME: 'tonebot', OD_PASSWORD: 'bot-password-1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  bot.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => bot!.once('exit', (code) => resolve({ code, stderr })));
}

async function decode(frames: VoiceAudio[]): Promise<Int16Array> {
  const dec = (await loadOpus()).decoder();
  const sorted = [...frames].sort((a, b) => a.seq - b.seq);
  const out = new Int16Array(sorted.length * VOICE_FRAME_SAMPLES);
  sorted.forEach((f, i) => out.set(dec.decode(f.payload).subarray(0, VOICE_FRAME_SAMPLES), i * VOICE_FRAME_SAMPLES));
  dec.close();
  return out;
}

/** Pitch by counting upward zero crossings. */
function pitchHz(pcm: Int16Array): number {
  let crossings = 0;
  for (let i = 1; i < pcm.length; i++) if (pcm[i - 1]! < 0 && pcm[i]! >= 0) crossings++;
  return crossings / (pcm.length / 48_000);
}

describe('examples/voice-tone-bot.mjs', () => {
  it('plays a generated tone into the room: its pitch, level and length arrive', async () => {
    const { heard } = await setup();
    const { code, stderr } = await runBot(['--freq', '440', '--seconds', '1']);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/in voice in #lounge/);
    // 1 s is 50 frames; none is dropped on loopback.
    expect(heard.length).toBe(50);
    expect(heard.at(-1)!.end).toBe(true);
    const pcm = await decode(heard);
    expect(Math.abs(pitchHz(pcm.subarray(4800)) - 440)).toBeLessThan(10);
    // A quarter of full scale: a sine's RMS is ~-15 dBFS.
    expect(Math.abs(rmsDb(pcm.subarray(4800, 43200)) - -15)).toBeLessThan(2);
  });

  it('plays a WAV file (espeak-ng speech at its own rate, resampled to 48 kHz)', async () => {
    const { heard } = await setup();
    const wav = path.join(dir, 'hello.wav');
    try {
      execFileSync('espeak-ng', ['-w', wav, 'Hello from the voice bot']);
    } catch {
      // No espeak-ng here (CI installs it): a 22.05 kHz stereo WAV written by hand stands in.
      const rate = 22_050;
      const n = rate * 1.5;
      const b = Buffer.alloc(44 + n * 4);
      b.write('RIFF', 0);
      b.writeUInt32LE(36 + n * 4, 4);
      b.write('WAVEfmt ', 8);
      b.writeUInt32LE(16, 16);
      b.writeUInt16LE(1, 20);
      b.writeUInt16LE(2, 22);
      b.writeUInt32LE(rate, 24);
      b.writeUInt32LE(rate * 4, 28);
      b.writeUInt16LE(4, 32);
      b.writeUInt16LE(16, 34);
      b.write('data', 36);
      b.writeUInt32LE(n * 4, 40);
      for (let i = 0; i < n; i++) for (let c = 0; c < 2; c++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / rate)), 44 + (i * 2 + c) * 2);
      fs.writeFileSync(wav, b);
    }
    const header = fs.readFileSync(wav);
    const rate = header.readUInt32LE(24);
    const channels = header.readUInt16LE(22);
    const seconds = (header.length - 44) / (2 * channels) / rate;
    const { code, stderr } = await runBot(['--wav', wav]);
    expect(code, stderr).toBe(0);
    expect(Math.abs(heard.length - Math.floor((seconds * 1000) / 20))).toBeLessThanOrEqual(1);
    const pcm = await decode(heard);
    expect(rmsDb(pcm)).toBeGreaterThan(-40);
  });
});
