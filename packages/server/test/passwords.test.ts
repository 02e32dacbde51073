import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../src/features/accounts/passwords.js';

describe('PasswordHasher', () => {
  it('verifies what it hashed, and every byte of a long password counts', async () => {
    const h = new PasswordHasher(4, 1);
    try {
      const long = 'x'.repeat(72);
      const hash = await h.hash(`${long}A`);
      expect(await h.verify(`${long}A`, hash)).toBe(true);
      expect(await h.verify(`${long}B`, hash)).toBe(false);
    } finally {
      await h.close();
    }
  });

  it('refuses new work with RATE_LIMITED once its queue is full, and recovers when it drains', async () => {
    const h = new PasswordHasher(6, 1, 3);
    try {
      const queued = [h.hash('password-1'), h.hash('password-2'), h.hash('password-3')];
      await expect(h.hash('password-4')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1000 });
      await Promise.all(queued);
      await expect(h.hash('password-5')).resolves.toMatch(/^\$2[aby]\$06\$/);
    } finally {
      await h.close();
    }
  });
});
