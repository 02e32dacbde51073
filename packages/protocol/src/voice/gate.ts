import { Vad, type VadOptions } from './vad.js';

/** Open mic (voice activity decides) or push-to-talk (a toggle, since terminals report no key release). */
export type MicMode = 'vad' | 'ptt';

export interface GateOptions extends VadOptions {
  mode?: MicMode;
  /** Push-to-talk releases itself after this many frames without voice (250 = 5 s at 20 ms). 0: never. */
  pttAutoReleaseFrames?: number;
}

export interface GateResult {
  /** Send this frame. */
  transmit: boolean;
  /** It is the last of a talk spurt (flag it END, so listeners stop showing the speaker at once). */
  end: boolean;
  /** The input level of the frame (dBFS), for the level meter. */
  levelDb: number;
  /** The voice detector hears voice (the local "speaking" marker in open mic; the PTT silence timer). */
  voice: boolean;
  /** Push-to-talk released itself on this frame (silence for too long). */
  autoReleased: boolean;
}

/**
 * Decides, frame by frame, whether the microphone's audio is sent: muted never; open mic while the voice
 * detector hears voice; push-to-talk while the toggle is on, releasing itself after a stretch of silence (a
 * forgotten toggle must not leave the mic open). The frame after the gate closes is still sent, flagged as the
 * end of the spurt. Pure: one call per frame, no clock.
 */
export class MicGate {
  mode: MicMode;
  muted = false;
  private ptt = false;
  private readonly vad: Vad;
  private readonly autoRelease: number;
  private silent = 0;
  private wasOpen = false;

  constructor(o: GateOptions = {}) {
    this.mode = o.mode ?? 'vad';
    this.vad = new Vad(o);
    this.autoRelease = o.pttAutoReleaseFrames ?? 250;
  }

  get pttOn(): boolean {
    return this.ptt;
  }

  /** Turn push-to-talk on or off (the key toggles it). */
  setPtt(on: boolean): void {
    this.ptt = on;
    this.silent = 0;
  }

  process(pcm: Int16Array): GateResult {
    const { speaking, levelDb } = this.vad.process(pcm);
    let autoReleased = false;
    if (this.mode === 'ptt' && this.ptt) {
      this.silent = speaking ? 0 : this.silent + 1;
      if (this.autoRelease > 0 && this.silent >= this.autoRelease) {
        this.ptt = false;
        autoReleased = true;
      }
    }
    const open = !this.muted && (this.mode === 'vad' ? speaking : this.ptt);
    const transmit = open || this.wasOpen;
    const end = this.wasOpen && !open;
    this.wasOpen = open;
    return { transmit, end, levelDb, voice: speaking, autoReleased };
  }
}
