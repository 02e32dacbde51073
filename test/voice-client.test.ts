import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  applyEvent,
  connect,
  loadOpus,
  ProtocolError,
  signup,
  VOICE_FRAME_SAMPLES,
  VoiceMixer,
  worldFromState,
  type OdClient,
  type OpusCodec,
  type VoiceAudio,
  type VoiceSpeakingNotice,
  type World,
} from '@open-discord/protocol';
import { startServer, type RunningServer, type ServerOptions } from '@open-discord/server';
import { TcpProxy } from './client-support/tcp-proxy.js';
import { aligned, prng, rmsDb, speech, sweep } from './client-support/voice-audio.js';

/*
 * Voice rooms end to end: generated audio (a sox sine sweep, espeak-ng speech) through the real Opus encoder,
 * the real server relay over real sockets and the real decoder with its jitter buffer, compared with what was
 * sent; who may hear and speak; a listener that stops reading; the participants everyone sees. No sound card:
 * nothing here plays or records. Conditions are awaited, never timed.
 *
 * Thresholds: Opus at 24 kbit/s is not waveform-exact (it is perceptual), so the SNR of clean speech after
 * alignment is ~10 dB and of the sweep ~13 dB; tests ask for 7 dB clean, and 4 dB with 5% of the frames lost
 * and 10% reordered (measured ~7 dB), where a misaligned or garbled stream measures below 0 dB.
 */

const CLEAN_SNR_DB = 7;
const LOSSY_SNR_DB = 4;

let dir: string;
let server: RunningServer;
let codec: OpusCodec;
const clients: OdClient[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  codec = await loadOpus();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of proxies.splice(0)) await p.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(over: Partial<ServerOptions> = {}) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-voice-'));
  server = await startServer({ dataDir: dir, port: 0, registration: 'open', bcryptCost: 4, authRate: null, messageRate: null, writeRates: null, firstRoom: null, log: () => {}, ...over });
}

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface User {
  client: OdClient;
  id: string;
  world: () => World;
  audio: VoiceAudio[];
  speaking: VoiceSpeakingNotice[];
  ended: string[];
}

async function user(username: string, via?: TcpProxy): Promise<User> {
  const password = `password-of-${username}`;
  const pair = await signup(server.url, { username, password });
  let world: World | null = null;
  const audio: VoiceAudio[] = [];
  const speaking: VoiceSpeakingNotice[] = [];
  const ended: string[] = [];
  const client = await connect(via?.url ?? server.url, { username, password }, {
    setup: (c) => {
      c.on('snapshot', (s) => (world = worldFromState(s, world ?? undefined)));
      c.on('event', (e) => {
        if (world) world = applyEvent(world, e);
      });
      c.on('voice', (a) => audio.push(a));
      c.on('voiceSpeaking', (n) => speaking.push(n));
      c.on('voiceEnded', (r) => ended.push(r));
    },
  });
  clients.push(client);
  return { client, id: pair.user.id, world: () => world!, audio, speaking, ended };
}

/** An owner, the voice room, and members: everyone in the community. */
async function community(names: string[], over: Partial<ServerOptions> = {}) {
  await start(over);
  const users: User[] = [];
  for (const n of names) users.push(await user(n));
  await server.app.services.roles.grant(null, { userId: users[0]!.id, roleId: 'owner' });
  const { room } = await users[0]!.client.request('room.create', { name: 'lounge', kind: 'voice' });
  for (const u of users) await until(() => !!u.world().rooms[room.id], 'the voice room to reach everyone');
  return { users, roomId: room.id };
}

/**
 * Encode and send `pcm` as 20 ms frames, yielding between frames; returns how many frames the audio has.
 * `slots` (when given) receives, per frame actually sent, its place in the sending schedule: when it would
 * have left a sender sending one frame every 20 ms (a dropped frame leaves its slot empty).
 */
async function speak(u: User, pcm: Int16Array, opts: { drop?: (i: number) => boolean; swap?: (i: number) => boolean; slots?: number[] } = {}): Promise<number> {
  const enc = codec.encoder();
  const packets: Uint8Array[] = [];
  for (let i = 0; i + VOICE_FRAME_SAMPLES <= pcm.length; i += VOICE_FRAME_SAMPLES) packets.push(enc.encode(pcm.subarray(i, i + VOICE_FRAME_SAMPLES)));
  enc.close();
  const order = packets.map((_, i) => i);
  // Injected reordering: adjacent frames swapped, as a network with jitter delivers them.
  for (let i = 0; i + 1 < order.length; i++) if (opts.swap?.(i)) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
  for (const [slot, i] of order.entries()) {
    if (opts.drop?.(i)) continue;
    opts.slots?.push(slot);
    expect(u.client.sendVoice({ seq: i, timestamp: i * 20, payload: packets[i]!, end: i === packets.length - 1 })).toBe(true);
    await new Promise((r) => setImmediate(r));
  }
  return packets.length;
}

/**
 * What a listener plays: the frames through a mixer (jitter buffer, decoder, concealment), one tick per frame
 * period. Frame k arrives in its sending slot (`slots[k]`, default k: one every 20 ms); the playout clock
 * runs the buffer's target delay (3 slots) behind the arrivals.
 */
function playout(frames: readonly VoiceAudio[], total: number, slots: readonly number[] = frames.map((_, i) => i)): Int16Array {
  const mixer = new VoiceMixer({ decoder: () => codec.decoder(), targetFrames: 3 });
  const out: Int16Array[] = [];
  let started = false;
  const tick = () => {
    const m = mixer.tick();
    started ||= m.audible.length > 0;
    if (started) out.push(m.pcm);
  };
  let clock = 0;
  frames.forEach((f, i) => {
    mixer.push(f.userId ?? String(f.slot), f.seq, f.payload, f.end);
    while (clock <= slots[i]! - 2) {
      tick();
      clock++;
    }
  });
  while (out.length < total) tick();
  mixer.close();
  const pcm = new Int16Array(out.length * VOICE_FRAME_SAMPLES);
  out.forEach((f, i) => pcm.set(f, i * VOICE_FRAME_SAMPLES));
  return pcm;
}

describe('voice: audio through the relay', () => {
  it('a sine sweep and speech arrive intact: same duration, level within 2 dB, SNR above the threshold after alignment', async () => {
    const { users, roomId } = await community(['alice', 'bob'], { voice: { frameRate: { perSec: 10_000, burst: 10_000 } } });
    const [alice, bob] = users as [User, User];
    const joined = await alice.client.voiceJoin(roomId);
    expect(joined.slot).toBe(1);
    const b = await bob.client.voiceJoin(roomId);
    expect(b.participants.map((p) => p.userId).sort()).toEqual([alice.id, bob.id].sort());
    await until(() => alice.client.voice!.participants.length === 2, 'alice to learn bob joined');

    for (const source of [sweep(3), speech('The quick brown fox jumps over the lazy dog. Voice rooms from the terminal.')]) {
      bob.audio.length = 0;
      const sent = await speak(alice, source.pcm);
      await until(() => bob.audio.length === sent, `all ${sent} frames of the ${source.source} audio at bob`);
      expect(bob.audio.every((a) => a.userId === alice.id && a.slot === 1 && a.roomId === roomId)).toBe(true);
      expect(bob.audio.map((a) => a.seq)).toEqual([...Array(sent).keys()]);
      const heard = playout(bob.audio, sent);
      const ref = source.pcm.subarray(0, sent * VOICE_FRAME_SAMPLES);
      expect(heard.length).toBe(ref.length);
      const a = aligned(ref, heard);
      // The codec's look-ahead (312 samples at 48 kHz), nothing more.
      expect(a.lag).toBeGreaterThan(200);
      expect(a.lag).toBeLessThan(400);
      expect(a.snr, `${source.source}: SNR ${a.snr.toFixed(1)} dB`).toBeGreaterThan(CLEAN_SNR_DB);
      expect(Math.abs(rmsDb(heard) - rmsDb(ref))).toBeLessThan(2);
    }
    // Nobody hears themselves.
    expect(alice.audio).toEqual([]);
  });

  it('injected loss (5%) and reordering (10%) still give intelligible output above the threshold', async () => {
    const { users, roomId } = await community(['alice', 'bob'], { voice: { frameRate: { perSec: 10_000, burst: 10_000 } } });
    const [alice, bob] = users as [User, User];
    await alice.client.voiceJoin(roomId);
    await bob.client.voiceJoin(roomId);
    await until(() => alice.client.voice!.participants.length === 2, 'both in voice');
    const source = speech('Packets lost and reordered on the way are concealed by the decoder.');
    const lossRng = prng(7);
    const swapRng = prng(11);
    const dropped = new Set<number>();
    const total = Math.floor(source.pcm.length / VOICE_FRAME_SAMPLES);
    for (let i = 1; i < total - 1; i++) if (lossRng() < 0.05) dropped.add(i);
    const slots: number[] = [];
    await speak(alice, source.pcm, { drop: (i) => dropped.has(i), swap: () => swapRng() < 0.1, slots });
    await until(() => bob.audio.length === total - dropped.size, 'every frame not dropped');
    expect(bob.audio.map((a) => a.seq)).not.toEqual([...bob.audio.map((a) => a.seq)].sort((x, y) => x - y));
    const heard = playout(bob.audio, total, slots);
    const ref = source.pcm.subarray(0, total * VOICE_FRAME_SAMPLES);
    expect(heard.length).toBe(ref.length);
    const a = aligned(ref, heard);
    expect(a.snr, `SNR ${a.snr.toFixed(1)} dB with ${dropped.size} of ${total} frames lost`).toBeGreaterThan(LOSSY_SNR_DB);
  });
});

describe('voice: who hears and who speaks', () => {
  it('a member who cannot see the room cannot join, hears nothing, and what they send reaches nobody', async () => {
    const { users, roomId } = await community(['alice', 'bob', 'eve']);
    const [alice, bob, eve] = users as [User, User, User];
    const { role } = await alice.client.request('role.create', { name: 'crew' });
    await alice.client.request('role.grant', { userId: bob.id, roleId: role.id });
    await alice.client.request('room.restrict', { roomId, roleIds: [role.id] });
    await until(() => !eve.world().rooms[roomId], 'the room to vanish for eve');
    const err = await eve.client.voiceJoin(roomId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('NOT_FOUND');
    // A room eve can see: she joins it and talks there; none of it reaches the restricted room.
    const { room: open } = await alice.client.request('room.create', { name: 'public-voice', kind: 'voice' });
    await until(() => !!eve.world().rooms[open.id], 'the open voice room at eve');
    await alice.client.voiceJoin(roomId);
    await bob.client.voiceJoin(roomId);
    await eve.client.voiceJoin(open.id);
    await speak(eve, sweep(0.2).pcm);
    await speak(alice, sweep(0.2).pcm);
    await until(() => bob.audio.length === 10, "alice's frames at bob");
    expect(bob.audio.every((a) => a.userId === alice.id)).toBe(true);
    expect(eve.audio).toEqual([]);
    // Nor does eve see who is in the restricted room, in her world or a fresh state.
    expect(eve.world().voice[roomId]).toBeUndefined();
    const state = await eve.client.request('state', {});
    expect((state.voice ?? []).filter((p) => p.roomId === roomId)).toEqual([]);
    expect(state.voice?.map((p) => p.userId)).toEqual([eve.id]);
  });

  it('leaving stops the stream at once; losing access takes a participant out of voice', async () => {
    const { users, roomId } = await community(['alice', 'bob', 'carol']);
    const [alice, bob, carol] = users as [User, User, User];
    for (const u of users) await u.client.voiceJoin(roomId);
    await until(() => alice.client.voice!.participants.length === 3, 'three in voice');
    await bob.client.voiceLeave();
    expect(bob.ended).toEqual(['left']);
    await speak(alice, sweep(0.2).pcm);
    await until(() => carol.audio.length === 10, 'frames at carol');
    expect(bob.audio).toEqual([]);
    await until(() => (alice.world().voice[roomId] ?? []).length === 2, 'bob gone from the room list');
    // A role that carol lacks (and bob holds) now gates the room: carol is out of voice and hears nothing more.
    await bob.client.voiceJoin(roomId);
    const { role } = await alice.client.request('role.create', { name: 'crew' });
    await alice.client.request('role.grant', { userId: bob.id, roleId: role.id });
    await alice.client.request('room.restrict', { roomId, roleIds: [role.id] });
    await until(() => carol.ended.includes('access'), 'carol out of voice');
    await until(() => (alice.world().voice[roomId] ?? []).every((p) => p.userId !== carol.id), 'carol gone from the room list');
    const before = carol.audio.length;
    await speak(alice, sweep(0.1).pcm);
    await until(() => bob.audio.length === 5, "alice's frames at bob");
    expect(carol.audio.length).toBe(before);
  });

  it('speaking is shown to everyone who sees the room, in voice or not, and ends with the END frame', async () => {
    const { users, roomId } = await community(['alice', 'bob', 'dave']);
    const [alice, bob, dave] = users as [User, User, User];
    await alice.client.voiceJoin(roomId);
    await bob.client.voiceJoin(roomId);
    await speak(alice, sweep(0.2).pcm);
    for (const u of [bob, dave]) await until(() => u.speaking.length === 2, 'speaking on and off');
    expect(dave.speaking.map((n) => [n.userId, n.speaking])).toEqual([[alice.id, true], [alice.id, false]]);
    expect(dave.audio).toEqual([]);
  });

  it('mute and deafen are visible to the room and enforced by the server', async () => {
    const { users, roomId } = await community(['alice', 'bob', 'carol']);
    const [alice, bob, carol] = users as [User, User, User];
    for (const u of users) await u.client.voiceJoin(roomId);
    await alice.client.voiceSet({ muted: true });
    await bob.client.voiceSet({ deafened: true });
    await until(() => carol.world().voice[roomId]?.find((p) => p.userId === alice.id)?.muted === true, 'alice shown muted');
    await until(() => carol.world().voice[roomId]?.find((p) => p.userId === bob.id)?.deafened === true, 'bob shown deafened');
    // Alice's frames are dropped by the server (a client that ignores its own mute is still silent).
    await speak(alice, sweep(0.1).pcm);
    await speak(carol, sweep(0.1).pcm);
    await until(() => alice.audio.length === 5, "carol's frames at alice");
    expect(carol.audio).toEqual([]);
    expect(bob.audio).toEqual([]);
  });
});

describe('voice: a listener that stops reading', () => {
  it('is taken out of voice without costing the others a frame or their order', async () => {
    await start({ voice: { frameRate: { perSec: 100_000, burst: 100_000 }, maxBuffered: 256 * 1024, dropLimit: 20 }, frameRate: { perSec: 100_000, burst: 100_000 } });
    const alice = await user('alice');
    const bob = await user('bob');
    const proxy = await TcpProxy.start(server.port);
    proxies.push(proxy);
    const carol = await user('carol', proxy);
    await server.app.services.roles.grant(null, { userId: alice.id, roleId: 'owner' });
    const { room } = await alice.client.request('room.create', { name: 'lounge', kind: 'voice' });
    await until(() => !!carol.world()?.rooms[room.id], 'room at carol');
    for (const u of [alice, bob, carol]) await u.client.voiceJoin(room.id);
    await until(() => alice.client.voice!.participants.length === 3, 'three in voice');
    proxy.stall();
    // Big frames (the server never decodes them), sent with a window of 32 ahead of what bob has received,
    // until the server gives up on carol.
    const payload = new Uint8Array(1200).fill(7);
    let seq = 0;
    const goneCarol = () => (alice.world().voice[room.id] ?? []).every((p) => p.userId !== carol.id);
    while (!goneCarol()) {
      if (seq >= 60_000) throw new Error('carol was never taken out of voice');
      if (seq - bob.audio.length < 32 && alice.client.sendVoice({ seq: seq & 0xffff, timestamp: seq, payload })) seq++;
      else await new Promise((r) => setTimeout(r, 1));
    }
    const left = alice.world().head;
    expect(left).toBeGreaterThan(0);
    await until(() => bob.audio.length === seq, 'every frame alice sent at bob');
    expect(bob.audio.map((a) => a.seq)).toEqual(Array.from({ length: seq }, (_, i) => i & 0xffff));
    expect(server.app.voice.stats.dropped).toBeGreaterThanOrEqual(20);
  });
});

describe('voice: participants everyone sees', () => {
  it('a fresh state lists who is in voice; a restart clears them with voice.left (restart)', async () => {
    const { users, roomId } = await community(['alice', 'bob']);
    const [alice, bob] = users as [User, User];
    await alice.client.voiceJoin(roomId, { muted: true });
    const state = await bob.client.request('state', {});
    expect(state.voice).toEqual([{ roomId, userId: alice.id, slot: 1, muted: true, deafened: false }]);
    // A connection that closes leaves.
    alice.client.close();
    await until(() => !bob.world().voice[roomId], 'alice gone when her connection closed');
    const events = await bob.client.request('sync', { after: 0 });
    const left = events.events.filter((e) => e.type === 'voice.left');
    expect(left.map((e) => e.type === 'voice.left' && e.data.reason)).toEqual(['closed']);
    // A crash leaves a row behind; the next start clears it and says so.
    await bob.client.voiceJoin(roomId);
    for (const c of clients.splice(0)) c.close();
    const crashedWith = await server.app.storage.voice.all();
    expect(crashedWith.length).toBeLessThanOrEqual(1);
    server.app.storage.voice.add({ roomId, userId: alice.id, slot: 9, muted: false, deafened: false, joinedAt: 1 });
    await server.close();
    server = await startServer({ dataDir: dir, port: 0, registration: 'open', bcryptCost: 4, authRate: null, firstRoom: null, log: () => {} });
    expect(await server.app.storage.voice.all()).toEqual([]);
    const again = await user('carol');
    await until(() => !!again.world().rooms[roomId], 'carol sees the room');
    expect(again.world().voice).toEqual({});
    const log = await again.client.request('sync', { after: 0 });
    const restart = log.events.filter((e) => e.type === 'voice.left' && e.data.reason === 'restart');
    expect(restart.length).toBeGreaterThanOrEqual(1);
  });
});
