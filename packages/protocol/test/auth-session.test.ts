import { describe, expect, it } from 'vitest';
import { AuthSession, jwtExpiryMs, ProtocolError, REFRESH_MARGIN_MS, type TokenPair } from '@open-discord/protocol';
import { user } from './helpers/fixtures.js';
import { fakeJwt } from './helpers/jwt.js';

const me = { ...user('u1'), username: 'alice' };

/** A fake refresh endpoint that rotates tokens and counts calls; release() lets a held call finish. */
function refresher(now: () => number) {
  let n = 0;
  const calls: string[] = [];
  const refresh = async (_url: string, refreshToken: string): Promise<TokenPair> => {
    calls.push(refreshToken);
    n++;
    await Promise.resolve();
    return { accessToken: fakeJwt(Math.floor(now() / 1000) + 900, { n }), refreshToken: `rt${n}`, expiresIn: 900, user: me };
  };
  return { refresh, calls };
}

describe('jwtExpiryMs', () => {
  it('reads exp without verifying, and null for anything else', () => {
    expect(jwtExpiryMs(fakeJwt(1000))).toBe(1_000_000);
    expect(jwtExpiryMs('garbage')).toBeNull();
    expect(jwtExpiryMs('a.!!!.c')).toBeNull();
    expect(jwtExpiryMs(`x.${Buffer.from('{"exp":"soon"}').toString('base64url')}.y`)).toBeNull();
  });
});

describe('AuthSession', () => {
  it('hands out the access token while it has more than 30 s left, then refreshes and rotates', async () => {
    let t = 1_000_000_000;
    const now = () => t;
    const { refresh, calls } = refresher(now);
    const rotated: TokenPair[] = [];
    const access = fakeJwt(t / 1000 + 900);
    const s = new AuthSession({ url: 'http://127.0.0.1:1', tokens: { accessToken: access, refreshToken: 'rt0' }, now, refresh, onRotate: (p) => rotated.push(p) });

    expect(await s.getAccessToken()).toBe(access);
    t += 900_000 - REFRESH_MARGIN_MS - 1; // 30 s + 1 ms left: still fine
    expect(await s.getAccessToken()).toBe(access);
    t += 2; // under 30 s left
    const fresh = await s.getAccessToken();
    expect(fresh).not.toBe(access);
    expect(calls).toEqual(['rt0']);
    expect(rotated.map((p) => p.refreshToken)).toEqual(['rt1']);
    expect(s.currentRefreshToken).toBe('rt1');
    expect(await s.getAccessToken()).toBe(fresh);
  });

  it('runs one refresh at a time for concurrent callers', async () => {
    const now = () => 5_000_000;
    const { refresh, calls } = refresher(now);
    const s = new AuthSession({ url: 'http://x', tokens: { refreshToken: 'rt0' }, now, refresh });
    const tokens = await Promise.all([s.getAccessToken(), s.getAccessToken(), s.getAccessToken(true)]);
    expect(new Set(tokens).size).toBe(1);
    expect(calls).toEqual(['rt0']);
  });

  it('forceRefresh refreshes even a fresh token (after a 4401 close)', async () => {
    const now = () => 5_000_000;
    const { refresh, calls } = refresher(now);
    const s = new AuthSession({ url: 'http://x', tokens: { accessToken: fakeJwt(99_999_999), refreshToken: 'rt0' }, now, refresh });
    await s.getAccessToken(true);
    await s.getAccessToken(true);
    expect(calls).toEqual(['rt0', 'rt1']);
  });

  it('falls back to expiresIn for tokens without a readable exp', async () => {
    let t = 0;
    const { refresh, calls } = refresher(() => t);
    const s = new AuthSession({ url: 'http://x', tokens: { accessToken: 'opaque', refreshToken: 'rt0', expiresIn: 60, user: me }, now: () => t, refresh });
    expect(await s.getAccessToken()).toBe('opaque');
    t = 31_000;
    expect(await s.getAccessToken()).not.toBe('opaque');
    expect(calls).toHaveLength(1);
  });

  it('passes refresh failures through and can retry after a transient one', async () => {
    let fail: ProtocolError | null = new ProtocolError('UNAVAILABLE', 'down');
    const { refresh } = refresher(() => 0);
    const s = new AuthSession({
      url: 'http://x',
      tokens: { refreshToken: 'rt0' },
      now: () => 0,
      refresh: async (u, r) => {
        if (fail) throw fail;
        return refresh(u, r);
      },
    });
    await expect(s.getAccessToken()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    fail = null;
    await expect(s.getAccessToken()).resolves.toMatch(/\./);
  });
});
