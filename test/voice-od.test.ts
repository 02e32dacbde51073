import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, signup, type OdClient } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';
import { attachClient, type ChatActions } from '../packages/tui/src/controllers/index.js';
import { initialState } from '../packages/tui/src/state/reducer.js';
import { createStore, type Store } from '../packages/tui/src/state/store.js';
import { rmsDb } from './client-support/voice-audio.js';

/*
 * od's voice controller for real: two od sessions (their controllers and stores, as the screen drives them)
 * against a real server, each with its audio tools replaced by files (the microphone reads a WAV in real time,
 * the speaker appends raw samples to a file). One speaks a 440 Hz tone; the other's speaker file must contain
 * it, and its screen state must show who is speaking. No sound card needed.
 */

let dir: string;
let server: RunningServer;
const clients: OdClient[] = [];
const stops: Array<() => void> = [];

afterEach(async () => {
  for (const s of stops.splice(0)) s();
  for (const c of clients.splice(0)) c.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A 16-bit 48 kHz mono WAV of `seconds` of a sine at `freq` Hz (0: silence). */
function wav(file: string, seconds: number, freq: number): void {
  const n = Math.round(seconds * 48_000);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(48_000, 24);
  b.writeUInt32LE(96_000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) b.writeInt16LE(freq ? Math.round(8000 * Math.sin((2 * Math.PI * freq * i) / 48_000)) : 0, 44 + i * 2);
  fs.writeFileSync(file, b);
}

function samples(file: string): Int16Array {
  const b = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
  const out = new Int16Array(b.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(i * 2);
  return out;
}

/** Over the 20 ms frames louder than -30 dBFS: how many there are, their level and their pitch (upward zero crossings). */
function loudest(pcm: Int16Array): { frames: number; db: number; hz: number } {
  let frames = 0;
  let crossings = 0;
  let energy = 0;
  for (let at = 0; at + 960 <= pcm.length; at += 960) {
    const f = pcm.subarray(at, at + 960);
    if (rmsDb(f) < -30) continue;
    frames++;
    for (let i = 1; i < f.length; i++) if (f[i - 1]! < 0 && f[i]! >= 0) crossings++;
    for (const x of f) energy += x * x;
  }
  if (frames === 0) return { frames, db: -100, hz: 0 };
  return { frames, db: 10 * Math.log10(energy / (frames * 960) / 32768 / 32768), hz: crossings / (frames * 0.02) };
}

async function od(username: string, capture: string, playback: string): Promise<{ store: Store; actions: ChatActions; id: string; sawSpeaking: Set<string> }> {
  const password = `password-of-${username}`;
  const pair = await signup(server.url, { username, password });
  const store = createStore(initialState(100, 30));
  let actions!: ChatActions;
  const client = await connect(server.url, { username, password }, {
    setup: (c) => {
      actions = attachClient(c, store, { onQuit: () => {}, audio: { captureFile: capture, playbackFile: playback, env: { PATH: '' } } });
    },
  });
  clients.push(client);
  stops.push(() => actions.stop());
  const sawSpeaking = new Set<string>();
  store.subscribe((s) => {
    for (const room of Object.values(s.voice.speaking)) for (const id of Object.keys(room)) sawSpeaking.add(id);
  });
  return { store, actions, id: pair.user.id, sawSpeaking };
}

describe('od in a voice room, audio tools replaced by files', () => {
  it("one od's microphone file reaches the other's speaker file; both screens show who is in voice and who speaks", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-voice-od-'));
    server = await startServer({ dataDir: path.join(dir, 'data'), port: 0, registration: 'open', bcryptCost: 4, authRate: null, firstRoom: null, log: () => {} });
    const f = (name: string) => path.join(dir, name);
    wav(f('tone.wav'), 2, 440);
    wav(f('quiet.wav'), 0.5, 0);
    const alice = await od('alice', f('tone.wav'), f('alice-speaker.raw'));
    const bob = await od('bob', f('quiet.wav'), f('bob-speaker.raw'));
    await server.app.services.roles.grant(null, { userId: alice.id, roleId: 'owner' });
    alice.actions.submit('/create lounge --kind voice');
    await until(() => Object.values(bob.store.getState().world?.rooms ?? {}).some((r) => r.kind === 'voice'), 'the voice room at bob');
    bob.actions.submit('/join-voice #lounge');
    await until(() => bob.store.getState().voice.roomId !== null, 'bob in voice');
    alice.actions.submit('/join-voice #lounge');
    await until(() => alice.store.getState().voice.roomId !== null, 'alice in voice');
    const roomId = alice.store.getState().voice.roomId!;
    await until(() => (bob.store.getState().world?.voice[roomId] ?? []).length === 2, 'both listed at bob');

    // The tone (2 s) plays into bob's speaker file, and bob's screen saw alice speaking.
    // Most of its 100 frames arrive (a busy machine may drop a few to the jitter buffer); at its level and pitch.
    await until(() => loudest(samples(f('bob-speaker.raw'))).frames >= 80, "the tone in bob's speaker file");
    const heard = loudest(samples(f('bob-speaker.raw')));
    expect(Math.abs(heard.db - rmsDb(Int16Array.from({ length: 48_000 }, (_, i) => 8000 * Math.sin((2 * Math.PI * 440 * i) / 48_000))))).toBeLessThan(3);
    expect(Math.abs(heard.hz - 440)).toBeLessThan(15);
    await until(() => bob.sawSpeaking.has(alice.id), "alice's speaking marker at bob");
    expect(alice.store.getState().voice.levelDb).toBeLessThan(0);
    // Nobody hears themselves: alice's speaker file stays silent.
    expect(loudest(samples(f('alice-speaker.raw'))).frames).toBe(0);

    bob.actions.submit('/leave-voice');
    await until(() => bob.store.getState().voice.roomId === null, 'bob out of voice');
    await until(() => (alice.store.getState().world?.voice[roomId] ?? []).length === 1, 'bob gone from the list at alice');
  });
});
