import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * Test audio for the voice tests: a sine sweep from sox and speech from espeak-ng (CI installs both), as
 * 48 kHz mono s16 samples; generated here in JS when a tool is missing, so a developer without them still
 * runs the tests (with a note). And the measures the tests compare received audio with.
 */

const RATE = 48_000;

function have(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function readRaw(file: string): Int16Array {
  const b = fs.readFileSync(file);
  const out = new Int16Array(b.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(i * 2);
  return out;
}

/** A logarithmic-free linear sweep from `f0` to `f1` Hz at half scale, `seconds` long. */
export function sweep(seconds: number, f0 = 200, f1 = 3000): { pcm: Int16Array; source: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-voice-audio-'));
  try {
    if (have('sox')) {
      const file = path.join(dir, 'sweep.raw');
      execFileSync('sox', ['-n', '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed', '-t', 'raw', file, 'synth', String(seconds), 'sine', `${f0}-${f1}`, 'vol', '0.5']);
      return { pcm: readRaw(file), source: 'sox' };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const n = seconds * RATE;
  const pcm = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * (f0 + ((f1 - f0) * i) / n)) / RATE;
    pcm[i] = Math.round(16383 * Math.sin(phase));
  }
  return { pcm, source: 'js' };
}

/** Speech from espeak-ng resampled by sox; without them, a voiced buzz with syllable-like bursts. */
export function speech(text: string): { pcm: Int16Array; source: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-voice-audio-'));
  try {
    if (have('espeak-ng') && have('sox')) {
      const wav = path.join(dir, 'speech.wav');
      const raw = path.join(dir, 'speech.raw');
      execFileSync('espeak-ng', ['-w', wav, text]);
      execFileSync('sox', [wav, '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed', '-t', 'raw', raw, 'vol', '0.9']);
      return { pcm: readRaw(raw), source: 'espeak-ng' };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const n = 3 * RATE;
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const envelope = Math.max(0, Math.sin(2 * Math.PI * 3 * t));
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(2 * Math.PI * 140 * h * t) / h;
    pcm[i] = Math.round(6000 * envelope * v);
  }
  return { pcm, source: 'js' };
}

/** RMS level in dBFS. */
export function rmsDb(pcm: Int16Array): number {
  let s = 0;
  for (const x of pcm) s += x * x;
  return 10 * Math.log10(s / pcm.length / 32768 / 32768);
}

/** Signal-to-noise ratio (dB) of `out` against `ref` with `out` delayed by `lag` samples. */
export function snrAt(ref: Int16Array, out: Int16Array, lag: number): number {
  let sig = 0;
  let noise = 0;
  for (let i = 0; i < ref.length; i++) {
    const j = i + lag;
    if (j < 0 || j >= out.length) continue;
    sig += ref[i]! * ref[i]!;
    noise += (ref[i]! - out[j]!) ** 2;
  }
  return 10 * Math.log10(sig / Math.max(1, noise));
}

/**
 * Align `out` to `ref` by cross-correlation (the lag in 0..maxLag samples where they correlate most: the
 * codec's look-ahead, ~6.5 ms for Opus) and report that lag with the SNR there.
 */
export function aligned(ref: Int16Array, out: Int16Array, maxLag = 1500): { lag: number; snr: number; correlation: number } {
  // Correlate on every 4th sample first (cheap), then refine around the best lag.
  const corr = (lag: number, step: number) => {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i < ref.length; i += step) {
      const j = i + lag;
      if (j >= out.length) break;
      xy += ref[i]! * out[j]!;
      xx += ref[i]! * ref[i]!;
      yy += out[j]! * out[j]!;
    }
    return xy / Math.sqrt(Math.max(1, xx * yy));
  };
  let best = 0;
  let bestC = -2;
  for (let lag = 0; lag <= maxLag; lag += 2) {
    const c = corr(lag, 4);
    if (c > bestC) [best, bestC] = [lag, c];
  }
  let lag = best;
  let c = -2;
  for (let l = Math.max(0, best - 4); l <= best + 4; l++) {
    const v = corr(l, 1);
    if (v > c) [lag, c] = [l, v];
  }
  return { lag, snr: snrAt(ref, out, lag), correlation: c };
}

/** A seeded PRNG, so injected loss and reordering are the same every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
