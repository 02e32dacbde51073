import type { Backoff } from './types.js';

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 5_000, factor: 2, jitter: 0.5 };

/*
 * The cap is low on purpose: a server restart takes seconds, and a client that has backed off to 30 s stays
 * offline long after the server is back. Jitter still spreads a restart's reconnects over the window.
 */

/**
 * Delay before reconnect attempt `attempt` (0 = the first retry): exponential, capped, with "equal-ish"
 * jitter — the delay is scaled by a random factor in [1 - jitter, 1] so that many clients dropped by one
 * server restart do not all come back in the same millisecond. Pure: `random` is injected.
 */
export function backoffDelay(attempt: number, random: () => number, config: Partial<Backoff> = {}): number {
  const { initialMs, maxMs, factor, jitter } = { ...DEFAULT_BACKOFF, ...config };
  const n = Math.max(0, Math.floor(attempt));
  // Cap the exponent so factor ** n cannot overflow to Infinity for very long outages.
  const base = Math.min(maxMs, initialMs * factor ** Math.min(n, 64));
  const r = Math.min(1, Math.max(0, random()));
  const j = Math.min(1, Math.max(0, jitter));
  return Math.round(base * (1 - j * r));
}
