// The per-message marker of the fan-out generator and the latency histogram.
//
// A sender writes `~M<sender>.<seq>.<sentUs>~` at the start of the message text: its index, its own
// sequence number and the send time in µs on the machine's monotonic clock (process.hrtime, shared by
// every process, so a receiver in another generator process can subtract). Receivers find it with a byte
// search (Buffer.indexOf) in the raw payload — WebSocket frame or IRC line — and never parse JSON.
const MARK = Buffer.from('~M');
const ZERO = 48;
const DOT = 46;
const TILDE = 126;

/** Microseconds on the monotonic clock (CLOCK_MONOTONIC: the same in every process of the machine). */
export { monoUs } from './raw-ws.mjs';

export function markerText(sender, seq, us) {
  return `~M${sender}.${seq}.${us}~`;
}

/** The last parsed marker (no allocation per delivery). */
export const parsed = { sender: 0, seq: 0, us: 0 };

/**
 * Parse the marker whose `~M` is at `i` into `parsed`; false if it is cut short or malformed
 * (`end` bounds the bytes that may be read).
 */
export function parseMarkerAt(buf, i, end) {
  let j = readNumber(buf, i + 2, end, DOT);
  if (j < 0) return false;
  const sender = num;
  j = readNumber(buf, j, end, DOT);
  if (j < 0) return false;
  const seq = num;
  j = readNumber(buf, j, end, TILDE);
  if (j < 0) return false;
  parsed.sender = sender;
  parsed.seq = seq;
  parsed.us = num;
  return true;
}

/** The value of the last readNumber (no allocation per call). */
let num = 0;

/**
 * Read the decimal digits at `j` into `num`; they must be followed by the byte `stop`. Returns the
 * position after `stop`, or -1 when there are no digits, the run is cut short, or another byte follows.
 */
function readNumber(buf, j, end, stop) {
  let value = 0;
  const from = j;
  for (; j < end; j++) {
    const d = buf[j] - ZERO;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
  }
  if (j === from || j >= end || buf[j] !== stop) return -1;
  num = value;
  return j + 1;
}

// The search result is remembered per buffer: when one read holds many frames and the marker search for
// frame k ran past its end into frame k+1, frame k+1 reuses that result instead of searching again.
let cacheBuf = null;
let cacheFrom = 0;
let cacheAt = -1;

/** Position of the first marker in buf[start, end), or -1. Searches never look past buf.length. */
export function findMarker(buf, start, end) {
  let at;
  if (buf === cacheBuf && start >= cacheFrom && (cacheAt === -1 || cacheAt >= start)) at = cacheAt;
  else {
    at = buf.indexOf(MARK, start);
    cacheBuf = buf;
    cacheFrom = start;
    cacheAt = at;
  }
  return at >= 0 && at < end ? at : -1;
}

/** Forget the cached search (a buffer object may be refilled in place). */
export function resetMarkerCache() {
  cacheBuf = null;
}

export const MARKER = MARK;

/**
 * Latency histogram in µs with 1 % wide logarithmic buckets (exact maximum kept separately), so that
 * several generator processes can merge theirs: percentiles are exact to within 1 %.
 */
const STEP = Math.log(1.01);
const BUCKETS = 2400; // 1.01^2400 µs ≈ 2.3e10 µs: far beyond any run

export class Histogram {
  constructor() {
    this.counts = new Float64Array(BUCKETS);
    this.n = 0;
    this.max = 0;
  }
  add(us) {
    const v = us < 1 ? 1 : us;
    let i = Math.floor(Math.log(v) / STEP);
    if (i >= BUCKETS) i = BUCKETS - 1;
    this.counts[i]++;
    this.n++;
    if (us > this.max) this.max = us;
  }
  reset() {
    this.counts.fill(0);
    this.n = 0;
    this.max = 0;
  }
  /** Compact form for IPC: [[bucket, count], …], n, max. */
  toJSON() {
    const pairs = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i] > 0) pairs.push([i, this.counts[i]]);
    return { pairs, n: this.n, max: this.max };
  }
  merge(h) {
    for (const [i, c] of h.pairs) this.counts[i] += c;
    this.n += h.n;
    if (h.max > this.max) this.max = h.max;
  }
  /** Value (µs) at percentile p: the geometric middle of the bucket that holds it, capped at the max. */
  percentile(p) {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, Math.exp((i + 0.5) * STEP));
    }
    return this.max;
  }
  summaryMs() {
    const r = (us) => (us === null ? null : Number((us / 1000).toFixed(2)));
    return { count: this.n, p50Ms: r(this.percentile(50)), p99Ms: r(this.percentile(99)), maxMs: r(this.n ? this.max : null) };
  }
}
