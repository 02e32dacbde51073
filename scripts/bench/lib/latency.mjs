// Send→receive latency: the sender writes a microsecond stamp into the message text (`~T<µs>~`); every
// receiver, in the same load-generator process and therefore on the same clock, finds it with a byte
// search and subtracts. No JSON parsing on the delivery hot path.
import { performance } from 'node:perf_hooks';

const MARK = Buffer.from('~T');
const ZERO = 48;
const NINE = 57;

export const nowUs = () => Math.round(performance.now() * 1000);

/** Message text carrying the stamp, padded to a typical chat line. */
export function stampedText(tag, pad) {
  return `~T${nowUs()}~ ${tag} ${pad}`;
}

/** The stamp in a frame (µs), or -1 when the frame carries none. */
export function findStamp(buf, from = 0) {
  const i = buf.indexOf(MARK, from);
  if (i < 0) return -1;
  let v = 0;
  let j = i + 2;
  for (; j < buf.length; j++) {
    const c = buf[j];
    if (c < ZERO || c > NINE) break;
    v = v * 10 + (c - ZERO);
  }
  return j === i + 2 ? -1 : v;
}

/** A growable store of latency samples (µs) with percentile summaries. */
export function createSamples(capacity = 1 << 20) {
  let data = new Float64Array(capacity);
  let n = 0;
  return {
    add(us) {
      if (n === data.length) {
        if (n >= 1 << 24) return; // 16 M samples are plenty; stop growing
        const next = new Float64Array(n * 2);
        next.set(data);
        data = next;
      }
      data[n++] = us;
    },
    get count() {
      return n;
    },
    reset() {
      n = 0;
    },
    summary() {
      if (n === 0) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
      const s = data.subarray(0, n).slice().sort();
      const pct = (p) => s[Math.min(n - 1, Math.floor((p / 100) * n))] / 1000;
      return { count: n, p50Ms: round(pct(50)), p99Ms: round(pct(99)), maxMs: round(s[n - 1] / 1000) };
    },
  };
}

export const round = (x, digits = 2) => (x === null || x === undefined ? x : Number(x.toFixed(digits)));
