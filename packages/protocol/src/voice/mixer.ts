import { JitterBuffer, type JitterOptions } from './jitter.js';
import type { OpusDecoder } from './opus.js';
import { VOICE_FRAME_SAMPLES } from './opus.js';

export interface MixerOptions extends JitterOptions {
  /** A decoder per sender (`loadOpus().decoder`, or a stand-in in tests). */
  decoder: () => OpusDecoder;
  /** Lost frames in a row concealed by the decoder; past this, silence (a long gap is not made up). */
  maxConcealFrames?: number;
  /** Samples per frame (default 20 ms at 48 kHz). */
  frameSamples?: number;
}

interface Source {
  jitter: JitterBuffer;
  decoder: OpusDecoder;
  lostRun: number;
  volume: number;
}

/** One playout tick: the mixed frame and whom it contains. */
export interface MixOut {
  pcm: Int16Array;
  /** Senders whose audio (or its concealment) is in this frame. */
  audible: string[];
}

/**
 * Receives voice from every sender in a room and mixes it for one speaker: per sender a jitter buffer (fixed
 * delay, reordering), an Opus decoder whose loss concealment fills lost frames (a few, fading, then silence),
 * and a volume; `tick()` is called once per frame period and sums them, clipped. Deafened: it still drains the
 * buffers (so undeafening does not play stale audio) but outputs silence.
 */
export class VoiceMixer {
  private readonly sources = new Map<string, Source>();
  private readonly volumes = new Map<string, number>();
  private readonly maxConceal: number;
  private readonly frame: number;
  deafened = false;

  constructor(private readonly o: MixerOptions) {
    this.maxConceal = o.maxConcealFrames ?? 3;
    this.frame = o.frameSamples ?? VOICE_FRAME_SAMPLES;
  }

  push(sender: string, seq: number, payload: Uint8Array, end = false): void {
    let s = this.sources.get(sender);
    if (!s) {
      s = { jitter: new JitterBuffer(this.o), decoder: this.o.decoder(), lostRun: 0, volume: this.volumes.get(sender) ?? 1 };
      this.sources.set(sender, s);
    }
    s.jitter.push(seq, payload, end);
  }

  /** 0 mutes a sender for this listener only; 1 is as sent; up to 2 amplifies. */
  setVolume(sender: string, volume: number): void {
    const v = Math.max(0, Math.min(2, volume));
    this.volumes.set(sender, v);
    const s = this.sources.get(sender);
    if (s) s.volume = v;
  }

  volumeOf(sender: string): number {
    return this.volumes.get(sender) ?? 1;
  }

  /** The sender left: its buffer and decoder go. */
  remove(sender: string): void {
    const s = this.sources.get(sender);
    if (!s) return;
    s.decoder.close();
    this.sources.delete(sender);
  }

  /** The jitter statistics of one sender (tests, the status line). */
  statsOf(sender: string) {
    return this.sources.get(sender)?.jitter.stats;
  }

  tick(): MixOut {
    const acc = new Float32Array(this.frame);
    const audible: string[] = [];
    for (const [id, s] of this.sources) {
      const out = s.jitter.pull();
      let pcm: Int16Array | null = null;
      let gain = s.volume;
      if (out.kind === 'frame') {
        s.lostRun = 0;
        pcm = s.decoder.decode(out.payload);
      } else if (out.kind === 'lost') {
        s.lostRun++;
        // The decoder's concealment keeps its state in step; it fades, and after a few frames we stop.
        const concealed = s.decoder.conceal();
        if (s.lostRun <= this.maxConceal) {
          pcm = concealed;
          gain *= 1 / s.lostRun;
        }
      }
      if (!pcm || this.deafened || gain === 0) continue;
      audible.push(id);
      const n = Math.min(this.frame, pcm.length);
      for (let i = 0; i < n; i++) acc[i]! += pcm[i]! * gain;
    }
    const mixed = new Int16Array(this.frame);
    for (let i = 0; i < this.frame; i++) mixed[i] = Math.max(-32768, Math.min(32767, Math.round(acc[i]!)));
    return { pcm: mixed, audible };
  }

  close(): void {
    for (const id of [...this.sources.keys()]) this.remove(id);
  }
}
