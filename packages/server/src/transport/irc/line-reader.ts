import { MAX_LINE_BYTES, MAX_TAG_BYTES } from './message.js';

/** The longest line kept: a full tag section, its space, and a 512-byte message. */
export const MAX_INPUT_LINE = MAX_TAG_BYTES + 1 + MAX_LINE_BYTES;

/**
 * Splits a byte stream into lines (LF, with an optional CR before it). A line longer than the limit is
 * reported once and its bytes are dropped up to its end, so memory per connection stays bounded whatever
 * the peer sends.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private held = 0;
  private discarding = false;

  constructor(
    private readonly onLine: (line: Buffer) => void,
    private readonly onTooLong: () => void,
    private readonly maxBytes = MAX_INPUT_LINE,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.discarding) {
        this.discarding = false;
        this.reset();
        continue;
      }
      if (this.held + piece.length > this.maxBytes) {
        this.reset();
        this.onTooLong();
        continue;
      }
      let line = this.held ? Buffer.concat([...this.parts, piece]) : piece;
      this.reset();
      if (line.length && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      this.onLine(line);
    }
    if (start >= chunk.length || this.discarding) return;
    const rest = chunk.subarray(start);
    if (this.held + rest.length > this.maxBytes) {
      this.reset();
      this.discarding = true;
      this.onTooLong();
      return;
    }
    // Copied: the socket may reuse its buffer.
    this.parts.push(Buffer.from(rest));
    this.held += rest.length;
  }

  private reset(): void {
    this.parts = [];
    this.held = 0;
  }
}

export interface FloodRate {
  /** Lines handled at once before delays begin. */
  burst: number;
  /** Lines per second after the burst. */
  perSec: number;
  /** Lines waiting beyond this: the connection is closed ("Excess Flood"). */
  maxQueued: number;
}

/**
 * Fakelag, the way IRC servers have long done it: a burst of lines is handled at once, then lines wait
 * their turn at a steady rate; only a client that keeps sending while its queue is full is disconnected.
 */
export class Fakelag {
  private queue: Buffer[] = [];
  private tokens: number;
  private last: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly rate: FloodRate,
    private readonly now: () => number,
    private readonly run: (line: Buffer) => void,
    private readonly onFlood: () => void,
  ) {
    this.tokens = rate.burst;
    this.last = now();
  }

  push(line: Buffer): void {
    if (this.stopped) return;
    if (this.queue.length >= this.rate.maxQueued) {
      this.stop();
      this.onFlood();
      return;
    }
    this.queue.push(line);
    if (!this.timer) this.drain();
  }

  get queued(): number {
    return this.queue.length;
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly drain = (): void => {
    this.timer = null;
    const t = this.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((t - this.last) / 1000) * this.rate.perSec);
    this.last = t;
    while (this.queue.length && this.tokens >= 1 && !this.stopped) {
      this.tokens -= 1;
      this.run(this.queue.shift()!);
    }
    if (this.queue.length && !this.stopped) {
      const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.rate.perSec) * 1000));
      this.timer = setTimeout(this.drain, wait);
    }
  };
}
