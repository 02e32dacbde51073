import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '@open-discord/protocol';

describe('backoffDelay', () => {
  const cfg = { initialMs: 100, maxMs: 5000, factor: 2, jitter: 0.5 };

  it('grows exponentially up to the cap without jitter', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelay(a, none, cfg))).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('scales each delay into [1 - jitter, 1] of the base', () => {
    expect(backoffDelay(2, () => 1, cfg)).toBe(200);
    expect(backoffDelay(2, () => 0.5, cfg)).toBe(300);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(3, Math.random, cfg);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });

  it('survives absurd inputs', () => {
    expect(backoffDelay(10_000, () => 0, cfg)).toBe(5000);
    expect(backoffDelay(-3, () => 0, cfg)).toBe(100);
    expect(backoffDelay(1, () => 7, { ...cfg, jitter: 3 })).toBe(0);
    expect(backoffDelay(0, () => 0)).toBe(DEFAULT_BACKOFF.initialMs);
  });

  it('caps the default at 5 s, so clients are back soon after a server restart', () => {
    expect(backoffDelay(50, () => 0)).toBe(5000);
    expect(backoffDelay(50, () => 1)).toBe(2500);
  });
});
