import { describe, expect, it } from 'vitest';
import { JitterBuffer, type JitterOut } from '../src/voice/jitter.js';
import { decodeVoiceFrame, encodeVoiceFrame, isVoiceFrame, seqDelta, VOICE_HEADER_BYTES, VOICE_MAX_PAYLOAD } from '../src/voice/frame.js';

const p = (n: number) => new Uint8Array([n & 0xff]);
const seqs = (outs: JitterOut[]) => outs.map((o) => (o.kind === 'frame' ? o.seq : o.kind === 'lost' ? `lost${o.seq}` : '-'));

describe('voice frame header', () => {
  it('round-trips slot, sequence, timestamp, end flag and payload', () => {
    const bytes = encodeVoiceFrame({ slot: 513, seq: 65535, timestamp: 0xfffffffe, end: true, payload: new Uint8Array([1, 2, 3]) });
    expect(bytes.length).toBe(VOICE_HEADER_BYTES + 3);
    expect(decodeVoiceFrame(bytes)).toEqual({ slot: 513, seq: 65535, timestamp: 0xfffffffe, end: true, payload: new Uint8Array([1, 2, 3]) });
  });

  it('refuses frames of another kind, empty or oversized payloads', () => {
    const ok = encodeVoiceFrame({ slot: 0, seq: 1, timestamp: 1, end: false, payload: new Uint8Array(10) });
    expect(isVoiceFrame(ok)).toBe(true);
    expect(isVoiceFrame(ok.subarray(0, VOICE_HEADER_BYTES))).toBe(false);
    const other = ok.slice();
    other[0] = 2;
    expect(decodeVoiceFrame(other)).toBeNull();
    expect(isVoiceFrame(new Uint8Array(VOICE_HEADER_BYTES + VOICE_MAX_PAYLOAD + 1).fill(1))).toBe(false);
    expect(() => encodeVoiceFrame({ slot: 0, seq: 0, timestamp: 0, end: false, payload: new Uint8Array(0) })).toThrow(RangeError);
  });

  it('compares sequence numbers across the wrap', () => {
    expect(seqDelta(0, 65535)).toBe(1);
    expect(seqDelta(65535, 0)).toBe(-1);
    expect(seqDelta(10, 5)).toBe(5);
  });
});

describe('jitter buffer', () => {
  it('holds the target depth before playing, then plays in order', () => {
    const j = new JitterBuffer({ targetFrames: 3 });
    const out: JitterOut[] = [];
    j.push(0, p(0));
    out.push(j.pull());
    j.push(1, p(1));
    out.push(j.pull());
    j.push(2, p(2));
    out.push(j.pull());
    j.push(3, p(3));
    out.push(j.pull());
    expect(seqs(out)).toEqual(['-', '-', 0, 1]);
  });

  it('reorders frames that arrive out of order within the target delay', () => {
    const j = new JitterBuffer({ targetFrames: 3 });
    for (const s of [1, 0, 3, 2, 5, 4]) j.push(s, p(s));
    const out = Array.from({ length: 6 }, () => j.pull());
    expect(seqs(out)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reports a missing frame as lost when later ones are waiting, and drops it if it comes late', () => {
    const j = new JitterBuffer({ targetFrames: 2 });
    for (const s of [0, 1, 3, 4]) j.push(s, p(s));
    const out = [j.pull(), j.pull(), j.pull()];
    j.push(2, p(2));
    out.push(j.pull(), j.pull());
    expect(seqs(out)).toEqual([0, 1, 'lost2', 3, 4]);
    expect(j.stats).toMatchObject({ played: 4, lost: 1, late: 1 });
  });

  it('buffers again after an underrun and after the end of a talk spurt', () => {
    const j = new JitterBuffer({ targetFrames: 2 });
    j.push(0, p(0));
    j.push(1, p(1), true);
    j.push(2, p(2));
    const out = [j.pull(), j.pull(), j.pull()];
    j.push(3, p(3));
    out.push(j.pull(), j.pull(), j.pull());
    // Spurt ends after 1; 2 and 3 buffer to the target again before playing; then it runs dry.
    expect(seqs(out)).toEqual([0, 1, '-', 2, 3, '-']);
    expect(j.stats.underruns).toBe(1);
  });

  it('skips the oldest frames of a burst after a stall, back to the target delay', () => {
    const j = new JitterBuffer({ targetFrames: 2, catchUpFrames: 2 });
    j.push(0, p(0));
    j.push(1, p(1));
    expect(seqs([j.pull()])).toEqual([0]);
    // A stall, then eight frames at once: nine wait, seven beyond the target of two.
    for (let s = 2; s < 10; s++) j.push(s, p(s));
    expect(seqs([j.pull(), j.pull(), j.pull()])).toEqual([8, 9, '-']);
    expect(j.stats.skipped).toBe(7);
  });

  it('plays across the 16-bit wrap and restarts when a sender jumps far ahead', () => {
    const j = new JitterBuffer({ targetFrames: 2, maxFrames: 10 });
    for (const s of [65534, 65535, 0, 1]) j.push(s, p(s));
    expect(seqs([j.pull(), j.pull(), j.pull(), j.pull()])).toEqual([65534, 65535, 0, 1]);
    j.push(2, p(2));
    j.push(500, p(500));
    j.push(501, p(501));
    expect(seqs([j.pull(), j.pull()])).toEqual([500, 501]);
  });
});
