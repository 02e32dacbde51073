import { seqDelta } from './frame.js';

/** What one 20 ms playout tick gets from a jitter buffer. */
export type JitterOut =
  | { kind: 'frame'; seq: number; payload: Uint8Array }
  /** This frame never arrived (or arrived too late) but later ones did: conceal it. */
  | { kind: 'lost'; seq: number }
  /** Nothing to play: not started, between talk spurts, or the sender stalled (it buffers again). */
  | { kind: 'empty' };

export interface JitterOptions {
  /**
   * Frames held beyond the target before the oldest are skipped (default 3): after a stall the network
   * delivers a burst, and without skipping the whole backlog would be played late, for good.
   */
  catchUpFrames?: number;
  /**
   * Frames held before playout starts (the fixed target delay, in frames: 3 = 60 ms at 20 ms a frame).
   * Reordering and jitter within this depth cost nothing; later frames are lost.
   */
  targetFrames?: number;
  /** Frames held at most; a sender this far ahead (a clock jump, a resumed stream) restarts the buffer. */
  maxFrames?: number;
}

export interface JitterStats {
  played: number;
  lost: number;
  /** Arrived after their turn (or twice) and were dropped. */
  late: number;
  /** Times the buffer ran dry while playing and buffered again. */
  underruns: number;
  /** Frames skipped to bring the delay back to the target after a burst (a stalled network catching up). */
  skipped: number;
}

/**
 * A fixed-delay jitter buffer for one sender: frames are pushed as they arrive (any order) and pulled one per
 * playout tick in sequence order. Pure: no clock, no timers; the caller pulls every frame period.
 *
 * It holds `targetFrames` before playing, then plays the next sequence number each tick: present, it plays;
 * missing while later frames wait, it reports a loss (the decoder conceals it); nothing buffered at all, it
 * stops and buffers again (a talk spurt ended, or the sender stalled). A frame flagged as the end of a talk
 * spurt ends playout after it, so the next spurt is buffered afresh, with the same delay. When more than
 * `catchUpFrames` beyond the target pile up (a burst after a network stall), the oldest are skipped, so the
 * delay returns to the target instead of staying as long as the stall was.
 */
export class JitterBuffer {
  private readonly frames = new Map<number, { payload: Uint8Array; end: boolean }>();
  private next: number | null = null;
  /** The last sequence number played (or declared lost): anything at or before it is late. */
  private last: number | null = null;
  private playing = false;
  private readonly target: number;
  private readonly max: number;
  private readonly catchUp: number;
  readonly stats: JitterStats = { played: 0, lost: 0, late: 0, underruns: 0, skipped: 0 };

  constructor(o: JitterOptions = {}) {
    this.target = Math.max(1, o.targetFrames ?? 3);
    this.max = Math.max(this.target * 2, o.maxFrames ?? 50);
    this.catchUp = Math.max(1, o.catchUpFrames ?? 3);
  }

  /** Frames waiting. */
  get size(): number {
    return this.frames.size;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  push(seq: number, payload: Uint8Array, end = false): void {
    seq &= 0xffff;
    if ((this.last !== null && seqDelta(seq, this.last) <= 0) || this.frames.has(seq)) {
      this.stats.late++;
      return;
    }
    if (this.next !== null && Math.abs(seqDelta(seq, this.next)) >= this.max) this.reset();
    this.frames.set(seq, { payload, end });
    // Before playout starts, the earliest frame seen is where it starts (frames may arrive out of order).
    if (!this.playing && (this.next === null || seqDelta(seq, this.next) < 0)) this.next = seq;
  }

  pull(): JitterOut {
    if (!this.playing) {
      if (this.frames.size < this.target || this.next === null) return { kind: 'empty' };
      this.playing = true;
    }
    if (this.frames.size === 0) {
      this.stats.underruns++;
      this.playing = false;
      return { kind: 'empty' };
    }
    // Too far behind (a burst after a stall): skip the oldest until the delay is the target again.
    if (this.frames.size > this.target + this.catchUp) {
      while (this.frames.size > this.target) {
        const skip = this.next!;
        if (this.frames.delete(skip)) this.stats.skipped++;
        this.last = skip;
        this.next = (skip + 1) & 0xffff;
      }
    }
    const seq = this.next!;
    this.next = (seq + 1) & 0xffff;
    this.last = seq;
    const f = this.frames.get(seq);
    if (!f) {
      this.stats.lost++;
      return { kind: 'lost', seq };
    }
    this.frames.delete(seq);
    this.stats.played++;
    if (f.end) {
      // The talk spurt is over: the next one buffers to the target delay again, starting at its first frame.
      this.playing = false;
      this.next = this.frames.size > 0 ? this.earliest() : this.next;
    }
    return { kind: 'frame', seq, payload: f.payload };
  }

  /** Forget everything (the sender left, or jumped far ahead). */
  reset(): void {
    this.frames.clear();
    this.next = null;
    this.last = null;
    this.playing = false;
  }

  private earliest(): number {
    let best: number | null = null;
    for (const s of this.frames.keys()) if (best === null || seqDelta(s, best) < 0) best = s;
    return best!;
  }
}
