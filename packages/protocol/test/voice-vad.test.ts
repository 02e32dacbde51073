import { describe, expect, it } from 'vitest';
import { MicGate } from '../src/voice/gate.js';
import { levelDb, Vad } from '../src/voice/vad.js';

const N = 960;
const tone = (amp: number) => Int16Array.from({ length: N }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * 440 * i) / 48000)));
const silence = () => new Int16Array(N);
const loud = tone(8000);
const quiet = tone(20);

describe('level and voice activity', () => {
  it('measures dBFS: a full-scale sine is about -3 dB, silence -100', () => {
    expect(levelDb(tone(32767))).toBeCloseTo(-3.01, 1);
    expect(levelDb(silence())).toBe(-100);
    expect(levelDb(quiet)).toBeLessThan(-60);
  });

  it('opens on a loud frame and stays open for the hangover after it', () => {
    const v = new Vad({ thresholdDb: -40, hangoverFrames: 3 });
    const got = [quiet, loud, quiet, quiet, quiet, quiet, quiet].map((f) => v.process(f).speaking);
    expect(got).toEqual([false, true, true, true, true, false, false]);
  });

  it('needs attackFrames loud frames in a row before opening', () => {
    const v = new Vad({ thresholdDb: -40, hangoverFrames: 0, attackFrames: 2 });
    expect([loud, quiet, loud, loud].map((f) => v.process(f).speaking)).toEqual([false, false, false, true]);
  });
});

describe('mic gate', () => {
  it('open mic sends voice plus one END frame when it closes; muted sends nothing', () => {
    const g = new MicGate({ mode: 'vad', thresholdDb: -40, hangoverFrames: 0 });
    const got = [loud, loud, quiet, quiet].map((f) => g.process(f));
    expect(got.map((r) => [r.transmit, r.end])).toEqual([[true, false], [true, false], [true, true], [false, false]]);
    g.muted = true;
    expect(g.process(loud).transmit).toBe(false);
  });

  it('push-to-talk sends while toggled on, whatever the level, and releases itself after silence', () => {
    const g = new MicGate({ mode: 'ptt', thresholdDb: -40, hangoverFrames: 0, pttAutoReleaseFrames: 3 });
    expect(g.process(loud).transmit).toBe(false);
    g.setPtt(true);
    const got = [quiet, loud, quiet, quiet, quiet, quiet].map((f) => g.process(f));
    expect(got.map((r) => r.transmit)).toEqual([true, true, true, true, true, false]);
    expect(got.map((r) => r.autoReleased)).toEqual([false, false, false, false, true, false]);
    expect(got[4]!.end).toBe(true);
    expect(g.pttOn).toBe(false);
  });
});
