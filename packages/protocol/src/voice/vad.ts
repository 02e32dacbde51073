/** Audio level of a frame of s16 samples in dBFS (0 = full scale; silence is -100). */
export function levelDb(pcm: Int16Array): number {
  if (pcm.length === 0) return -100;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  const rms = Math.sqrt(sum / pcm.length) / 32768;
  return rms > 0 ? Math.max(-100, 20 * Math.log10(rms)) : -100;
}

export interface VadOptions {
  /** A frame louder than this (dBFS) is voice. */
  thresholdDb?: number;
  /** Frames kept open after the last loud one, so word gaps and soft endings are not cut (15 = 300 ms). */
  hangoverFrames?: number;
  /** Loud frames in a row needed to open, so a click does not (1: open on the first). */
  attackFrames?: number;
}

/**
 * Energy-based voice activity detection with hangover, for open mic: a frame counts as voice while its level
 * is above the threshold, and for `hangoverFrames` after. Pure; one call per frame.
 */
export class Vad {
  private readonly threshold: number;
  private readonly hangover: number;
  private readonly attack: number;
  private loudRun = 0;
  private quietRun = Number.POSITIVE_INFINITY;
  private open = false;

  constructor(o: VadOptions = {}) {
    this.threshold = o.thresholdDb ?? -45;
    this.hangover = o.hangoverFrames ?? 15;
    this.attack = Math.max(1, o.attackFrames ?? 1);
  }

  get speaking(): boolean {
    return this.open;
  }

  /** Feed one frame; true while it is voice (or within the hangover after voice). */
  process(pcm: Int16Array): { speaking: boolean; levelDb: number } {
    const db = levelDb(pcm);
    if (db >= this.threshold) {
      this.loudRun++;
      this.quietRun = 0;
      if (this.loudRun >= this.attack) this.open = true;
    } else {
      this.loudRun = 0;
      this.quietRun++;
      if (this.quietRun > this.hangover) this.open = false;
    }
    return { speaking: this.open, levelDb: db };
  }
}
