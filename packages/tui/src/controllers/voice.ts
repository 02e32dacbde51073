import { loadOpus, MicGate, type MicMode, type OpusCodec, PcmFramer, VOICE_FRAME_MS, VOICE_FRAME_SAMPLES, VoiceMixer } from '@open-discord/protocol';
import { findRoom, findUser } from '../commands/resolve.js';
import { type AudioIo, type AudioOptions, chooseTools, openAudio } from '../voice/audio-tools.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

/** Push-to-talk releases itself after this long without voice (a forgotten toggle must not leave the mic open). */
export const PTT_AUTO_RELEASE_MS = 5_000;
/** Frames between level-meter updates (100 ms): the meter needs no more, the screen redraws less. */
const METER_EVERY = 5;
/** Playback queued beyond this is not added to (a stalled player must not turn into seconds of delay). */
const MAX_PLAYBACK_QUEUE_BYTES = VOICE_FRAME_SAMPLES * 2 * 10;

export interface Voice {
  /** /join-voice [#room] (or Enter on a voice room): the named room, else the one on screen. */
  join(room?: string): void;
  leave(): void;
  /** Alt+V: push-to-talk on or off (switching to push-to-talk from open mic). */
  togglePtt(): void;
  /** /mute in voice, /deafen: toggles. */
  toggleMute(): void;
  toggleDeafen(): void;
  /** /volume @nick N (percent). */
  volume(nick: string, percent: number): void;
  /** /voice-mode open|ptt. */
  mode(mode: string): void;
  stop(): void;
}

export interface VoiceOptions {
  /** Where audio comes from and goes (devices through the audio tools, or files); null: no audio here. */
  audio: AudioOptions | null;
  /**
   * Jitter buffer depth in frames (60 ms by default: a terminal that redraws under load stalls its event loop
   * for tens of milliseconds, and frames waiting then must not be late).
   */
  jitterFrames?: number;
}

/**
 * The voice controller: joins and leaves voice rooms through the client, and while in one runs the audio:
 * microphone → frames → mic gate (open mic by voice activity, or push-to-talk; mute) → Opus → voice frames;
 * and others' frames → mixer (jitter buffer, decoder with loss concealment, per-user volume; deafen) →
 * speaker, one frame every 20 ms. Its state (mic, level, speaking markers) goes to the voice slice.
 */
export function attachVoice(ctx: ControllerContext, opts: VoiceOptions): Voice {
  const { client, store } = ctx;
  const { dispatch } = store;
  const flash = (kind: 'info' | 'error', text: string) => dispatch({ type: 'flash', kind, text });
  let codec: OpusCodec | null = null;
  let session: { io: AudioIo; gate: MicGate; mixer: VoiceMixer; timer: ReturnType<typeof setTimeout> | null; stop: () => void } | null = null;

  client.on('voiceSpeaking', (n) => dispatch({ type: 'voice/speaking', roomId: n.roomId, userId: n.userId, speaking: n.speaking }));
  client.on('voice', (a) => {
    if (session && a.userId) session.mixer.push(a.userId, a.seq, a.payload, a.end);
  });
  /** The voice room to join again once live: the connection dropped while in it (a network blip). */
  let rejoin: string | null = null;
  client.on('voiceEnded', (reason) => {
    const was = store.getState().voice.roomId;
    stopAudio();
    dispatch({ type: 'voice/ended' });
    if (was && reason === 'closed') {
      rejoin = was;
      return flash('info', 'voice: reconnecting…');
    }
    if (was && reason !== 'left') flash('error', reason === 'slow' ? 'out of voice: the connection fell behind (/join-voice to rejoin)' : `out of voice (${reason}); /join-voice to rejoin`);
  });
  client.on('status', (status) => {
    if (status.state !== 'live' || rejoin === null) return;
    const roomId = rejoin;
    rejoin = null;
    if (store.getState().world?.rooms[roomId]?.kind === 'voice') void join(roomId, true);
  });
  // Volumes and deafen follow the state (set by commands, kept per user for this session).
  store.subscribe((next, prev) => {
    if (!session) return;
    if (next.voice.volumes !== prev.voice.volumes) for (const [id, pct] of Object.entries(next.voice.volumes)) session.mixer.setVolume(id, pct / 100);
    session.mixer.deafened = next.voice.deafened;
    session.gate.muted = next.voice.muted;
  });

  function stopAudio(): void {
    session?.stop();
    session = null;
  }

  function startAudio(codecNow: OpusCodec): boolean {
    const v = store.getState().voice;
    const gate = new MicGate({ mode: v.mode, pttAutoReleaseFrames: PTT_AUTO_RELEASE_MS / VOICE_FRAME_MS });
    gate.muted = v.muted;
    // Up to 8 frames beyond the target before skipping: a stall of 160 ms is waited out, a longer one caught up.
    const mixer = new VoiceMixer({ decoder: () => codecNow.decoder(), targetFrames: opts.jitterFrames ?? 3, catchUpFrames: 8 });
    mixer.deafened = v.deafened;
    for (const [id, pct] of Object.entries(v.volumes)) mixer.setVolume(id, pct / 100);
    const io = openAudio(opts.audio!, (why) => {
      flash('error', `voice audio stopped: ${why}`);
      void leave();
    });
    if ('missing' in io) {
      dispatch({ type: 'voice/problem', problem: io.missing });
      return false;
    }
    const enc = codecNow.encoder();
    const framer = new PcmFramer(VOICE_FRAME_SAMPLES);
    let seq = 0;
    let frames = 0;
    io.capture.on('data', (chunk: Buffer) => {
      for (const pcm of framer.push(chunk)) {
        const r = gate.process(pcm);
        if (r.autoReleased) {
          dispatch({ type: 'voice/ptt', on: false });
          flash('info', `push-to-talk released after ${PTT_AUTO_RELEASE_MS / 1000} s of silence (Alt+V)`);
        }
        if (r.transmit) client.sendVoice?.({ seq: seq++ & 0xffff, timestamp: ctx.now() >>> 0, payload: enc.encode(pcm), end: r.end });
        if (++frames % METER_EVERY === 0 || r.end) dispatch({ type: 'voice/level', levelDb: r.levelDb, transmitting: r.transmit && !r.end });
      }
    });
    io.capture.on('error', () => {});
    // The speaker's clock: one mixed frame every 20 ms, scheduled against the start so it does not drift.
    const started = Date.now();
    let ticks = 0;
    const s = {
      io,
      gate,
      mixer,
      timer: null as ReturnType<typeof setTimeout> | null,
      stop: () => {
        if (s.timer) clearTimeout(s.timer);
        io.close();
        enc.close();
        mixer.close();
      },
    };
    const tick = () => {
      const out = mixer.tick();
      if (io.playback.writableLength < MAX_PLAYBACK_QUEUE_BYTES) io.playback.write(Buffer.from(out.pcm.buffer, out.pcm.byteOffset, out.pcm.byteLength));
      ticks++;
      s.timer = setTimeout(tick, Math.max(0, started + ticks * VOICE_FRAME_MS - Date.now()));
    };
    s.timer = setTimeout(tick, VOICE_FRAME_MS);
    session = s;
    return true;
  }

  /** `byId`: `roomArg` is a room id (a rejoin after a reconnect), not what the user typed. */
  async function join(roomArg?: string, byId = false): Promise<void> {
    const state = store.getState();
    const world = state.world;
    if (!client.voiceJoin) return flash('error', 'voice is not available here');
    if (!world) return flash('error', 'not connected');
    const roomId = byId ? roomArg! : roomArg ? findRoom(world, roomArg) : state.currentRoomId;
    const room = roomId ? world.rooms[roomId] : undefined;
    if (!roomId || !room) return flash('error', roomArg ? `no room "${roomArg}"` : 'no room on screen');
    if (room.kind !== 'voice') return flash('error', `#${room.name} is not a voice room`);
    if (state.voice.roomId === roomId) return flash('info', `already in voice in #${room.name}`);
    if (!opts.audio) return flash('error', 'voice needs the audio tools, which this od cannot run');
    const tools = chooseTools(opts.audio);
    if ('missing' in tools) {
      dispatch({ type: 'voice/problem', problem: tools.missing });
      return flash('error', tools.missing);
    }
    dispatch({ type: 'voice/joining', roomId });
    try {
      codec ??= await loadOpus();
      stopAudio();
      await client.voiceJoin(roomId, { muted: state.voice.muted, deafened: state.voice.deafened });
    } catch (e) {
      dispatch({ type: 'voice/ended' });
      return flash('error', `/join-voice: ${describeError(e)}`);
    }
    dispatch({ type: 'voice/problem', problem: null });
    if (!startAudio(codec)) {
      await client.voiceLeave?.().catch(() => {});
      dispatch({ type: 'voice/ended' });
      return flash('error', store.getState().voice.problem ?? 'voice audio could not start');
    }
    dispatch({ type: 'voice/joined', roomId });
    const mode = store.getState().voice.mode;
    flash('info', `in voice in #${room.name}: ${mode === 'ptt' ? 'Alt+V to talk' : 'open mic (Alt+V for push-to-talk)'}; /leave-voice to leave`);
  }

  async function leave(): Promise<void> {
    rejoin = null;
    const v = store.getState().voice;
    if (!v.roomId && !v.joining) return flash('error', 'you are not in voice');
    stopAudio();
    dispatch({ type: 'voice/ended' });
    try {
      await client.voiceLeave?.();
    } catch (e) {
      flash('error', `/leave-voice: ${describeError(e)}`);
    }
  }

  function setMuted(muted: boolean): void {
    dispatch({ type: 'voice/muted', muted });
    if (store.getState().voice.roomId) client.voiceSet?.({ muted }).catch((e: unknown) => flash('error', `/mute: ${describeError(e)}`));
  }

  return {
    join: (room) => void join(room),
    leave: () => void leave(),
    togglePtt() {
      const v = store.getState().voice;
      if (!v.roomId) return flash('error', 'push-to-talk: join a voice room first (/join-voice)');
      if (v.mode !== 'ptt') {
        dispatch({ type: 'voice/mode', mode: 'ptt' });
        if (session) session.gate.mode = 'ptt';
      }
      const on = v.mode !== 'ptt' ? true : !v.ptt;
      session?.gate.setPtt(on);
      dispatch({ type: 'voice/ptt', on });
    },
    toggleMute: () => setMuted(!store.getState().voice.muted),
    toggleDeafen() {
      const deafened = !store.getState().voice.deafened;
      dispatch({ type: 'voice/deafened', deafened });
      if (store.getState().voice.roomId) client.voiceSet?.({ deafened }).catch((e: unknown) => flash('error', `/deafen: ${describeError(e)}`));
    },
    volume(nick, percent) {
      const world = store.getState().world;
      const id = world ? findUser(world, nick) : null;
      if (!id) return flash('error', `no member "${nick}"`);
      if (!Number.isFinite(percent) || percent < 0 || percent > 200) return flash('error', '/volume: 0 to 200 (100 is as they sent it)');
      dispatch({ type: 'voice/volume', userId: id, percent });
      flash('info', `${world!.users[id]?.nickname ?? nick} at ${Math.round(percent)}% for you`);
    },
    mode(mode) {
      const m: MicMode | null = mode === 'open' || mode === 'vad' ? 'vad' : mode === 'ptt' ? 'ptt' : null;
      if (!m) return flash('error', '/voice-mode open (voice activity) or ptt (push-to-talk, Alt+V)');
      dispatch({ type: 'voice/mode', mode: m });
      if (session) {
        session.gate.mode = m;
        session.gate.setPtt(false);
      }
      flash('info', m === 'ptt' ? 'push-to-talk: Alt+V to talk (it releases itself after 5 s of silence)' : 'open mic: you are sent while you speak');
    },
    stop() {
      stopAudio();
    },
  };
}
