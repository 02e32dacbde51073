import { describe, expect, it } from 'vitest';
import { PcmFramer } from '../src/voice/framer.js';
import { VoiceMixer } from '../src/voice/mixer.js';
import type { OpusDecoder } from '../src/voice/opus.js';

const N = 4;
/** A stand-in codec whose packet is the sample value itself, so the mixing arithmetic can be checked exactly. */
const decoder = (): OpusDecoder => {
  let last = 0;
  return {
    decode: (p) => {
      last = p[0]!;
      return new Int16Array(N).fill(last * 100);
    },
    conceal: () => new Int16Array(N).fill(last * 100),
    close: () => {},
  };
};

describe('voice mixer', () => {
  it('sums senders with per-sender volume, clipped to 16 bits', () => {
    const m = new VoiceMixer({ decoder, frameSamples: N, targetFrames: 1 });
    m.push('a', 0, new Uint8Array([10]));
    m.push('b', 0, new Uint8Array([20]));
    m.setVolume('b', 0.5);
    const out = m.tick();
    expect([...out.pcm]).toEqual([2000, 2000, 2000, 2000]);
    expect(out.audible.sort()).toEqual(['a', 'b']);
    m.push('a', 1, new Uint8Array([200]));
    m.push('b', 1, new Uint8Array([200]));
    m.setVolume('b', 2);
    expect(m.tick().pcm[0]).toBe(32767);
  });

  it('conceals a lost frame with the decoder, fading, and goes silent after the limit', () => {
    const m = new VoiceMixer({ decoder, frameSamples: N, targetFrames: 1, maxConcealFrames: 2 });
    for (const s of [0, 4]) m.push('a', s, new Uint8Array([10]));
    const levels = Array.from({ length: 5 }, () => m.tick().pcm[0]);
    expect(levels).toEqual([1000, 1000, 500, 0, 1000]);
  });

  it('deafened: buffers drain, nothing is heard; a muted-by-volume sender is not audible', () => {
    const m = new VoiceMixer({ decoder, frameSamples: N, targetFrames: 1 });
    m.push('a', 0, new Uint8Array([10]));
    m.deafened = true;
    expect(m.tick()).toEqual({ pcm: new Int16Array(N), audible: [] });
    m.deafened = false;
    m.push('a', 1, new Uint8Array([10]));
    m.setVolume('a', 0);
    expect(m.tick().audible).toEqual([]);
  });
});

describe('pcm framer', () => {
  it('cuts s16le chunks of any size, even splitting a sample, into whole frames', () => {
    const f = new PcmFramer(2);
    const bytes = new Uint8Array(new Int16Array([1, -2, 300, 4, 5]).buffer);
    const frames = [...f.push(bytes.subarray(0, 3)), ...f.push(bytes.subarray(3, 9)), ...f.push(bytes.subarray(9))];
    expect(frames.map((x) => [...x])).toEqual([[1, -2], [300, 4]]);
    expect(f.push(new Uint8Array(new Int16Array([6]).buffer)).map((x) => [...x])).toEqual([[5, 6]]);
  });
});
