/**
 * Token buckets keyed by user, address or username. A bucket refills `perSec` tokens per second up to
 * `burst`. The clock is injected so tests never sleep.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    private readonly now: () => number,
    /** Bound on remembered keys, so a flood of distinct keys cannot grow memory without limit. */
    private readonly maxKeys = 50_000,
  ) {}

  /**
   * Take `cost` tokens (one by default; never more than the burst, so any cost can eventually pass).
   * Returns 0 when allowed, else how many ms until enough are available.
   */
  take(key: string, cost = 1): number {
    const need = Math.min(cost, this.burst);
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.prune(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSec);
      b.at = now;
    }
    if (b.tokens >= need) {
      b.tokens -= need;
      return 0;
    }
    // Less a hair, so float error (0.996 tokens after 249 ms at 4/s) does not round a 1 ms wait up to 2.
    return Math.max(1, Math.ceil(((need - b.tokens) / this.perSec) * 1000 - 1e-6));
  }

  /**
   * Give back a token taken by `take` (capped at the burst): for buckets that should only count some
   * outcomes (failed logins), the token is reserved up front, so concurrent attempts cannot all slip
   * past an almost-empty bucket, and returned when the attempt turns out not to count.
   */
  refund(key: string): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.burst, b.tokens + 1);
  }

  /** Forget buckets that have refilled completely (they behave exactly like new ones). */
  private prune(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSec >= this.burst) this.buckets.delete(k);
    }
    // Still full of active keys: drop the oldest half rather than refuse to track new ones.
    if (this.buckets.size >= this.maxKeys) {
      let n = Math.floor(this.buckets.size / 2);
      for (const k of this.buckets.keys()) {
        if (n-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}
