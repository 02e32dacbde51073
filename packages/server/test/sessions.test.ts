import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_SAFETY_STEP } from '../src/adapters/sqlite/migrations.js';
import { TOTP_PERIOD_SEC, totpAt } from '../src/features/account-security/totp.js';
import { RawClient, post, rollBackTo, signup, testScope } from './helpers.js';

const { setup, cleanups } = testScope();

async function connect(url: string, token: string): Promise<RawClient> {
  const c = await RawClient.connect(url, token);
  cleanups.push(() => c.close());
  return c;
}

/** One user logged in three times (signup, laptop, phone), each with a socket. */
async function threeSessions() {
  const server = await setup();
  const a = await signup(server.url, 'ada', { client: 'od 1.0 (signup)' });
  const login = (client: string) => post(server.url, '/api/login', { username: 'ada', password: 'correct horse', client });
  const b = (await login('od 1.0 laptop')).body;
  const c = (await login('od 1.0 phone')).body;
  const sockets = { a: await connect(server.url, a.accessToken), b: await connect(server.url, b.accessToken), c: await connect(server.url, c.accessToken) };
  const refresh = (pair: { refreshToken: string }) => post(server.url, '/api/refresh', { refreshToken: pair.refreshToken });
  return { server, pairs: { a, b, c }, sockets, refresh, login };
}

describe('sessions', () => {
  it('lists where the user is logged in, marking the current one', async () => {
    const { sockets } = await threeSessions();
    const { sessions } = await sockets.b.call('sessions.list');
    expect(sessions).toHaveLength(3);
    expect(sessions.map((s: any) => s.client).sort()).toEqual(['od 1.0 (signup)', 'od 1.0 laptop', 'od 1.0 phone']);
    const current = sessions.filter((s: any) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0].client).toBe('od 1.0 laptop');
    for (const s of sessions) {
      expect(s.address).toMatch(/127\.0\.0\.1/);
      expect(s.lastSeen).toBeGreaterThanOrEqual(s.firstSeen);
    }
  });

  it('revoking one closes its sockets and its refresh family at once; the others keep working', async () => {
    const { sockets, pairs, refresh, server } = await threeSessions();
    const { sessions } = await sockets.a.call('sessions.list');
    const laptop = sessions.find((s: any) => s.client === 'od 1.0 laptop');
    await sockets.a.call('sessions.revoke', { sessionId: laptop.id });
    expect(await sockets.b.waitClose()).toBe(4401);
    expect((await refresh(pairs.b)).status).toBe(401);
    // Its access token is dead too, even before it expires.
    await expect(RawClient.connect(server.url, pairs.b.accessToken)).rejects.toThrow();
    // The others are untouched.
    expect(sockets.a.closeCode).toBeNull();
    expect(sockets.c.closeCode).toBeNull();
    expect((await refresh(pairs.c)).status).toBe(200);
    await sockets.c.call('sessions.list');
    const after = (await sockets.a.call('sessions.list')).sessions;
    expect(after.map((s: any) => s.client).sort()).toEqual(['od 1.0 (signup)', 'od 1.0 phone']);
  });

  it('"log out everywhere else" keeps only the asking session', async () => {
    const { sockets, pairs, refresh } = await threeSessions();
    expect(await sockets.c.call('sessions.revokeOthers')).toEqual({ revoked: 2 });
    expect(await sockets.a.waitClose()).toBe(4401);
    expect(await sockets.b.waitClose()).toBe(4401);
    expect(sockets.c.closeCode).toBeNull();
    expect((await refresh(pairs.a)).status).toBe(401);
    expect((await refresh(pairs.c)).status).toBe(200);
    const { sessions } = await sockets.c.call('sessions.list');
    expect(sessions).toHaveLength(1);
    expect(sessions[0].current).toBe(true);
  });

  it("another user's session is no such session", async () => {
    const { sockets, server } = await threeSessions();
    const eve = await signup(server.url, 'eve');
    const e = await connect(server.url, eve.accessToken);
    const adaSession = (await sockets.a.call('sessions.list')).sessions[0].id;
    expect((await e.request('sessions.revoke', { sessionId: adaSession })).error.code).toBe('NOT_FOUND');
    expect((await e.request('sessions.revoke', { sessionId: 'made-up' })).error.code).toBe('NOT_FOUND');
    expect((await sockets.a.call('sessions.list')).sessions).toHaveLength(3);
    expect((await e.call('sessions.list')).sessions).toHaveLength(1);
  });

  it('a refresh moves last seen; logout takes the session off the list', async () => {
    const clock = { t: 1_800_000_000_000 };
    const server = await setup({ now: () => clock.t });
    const a = await signup(server.url, 'ada');
    const b = (await post(server.url, '/api/login', { username: 'ada', password: 'correct horse' })).body;
    clock.t += 60_000;
    const b2 = (await post(server.url, '/api/refresh', { refreshToken: b.refreshToken })).body;
    const c = await connect(server.url, a.accessToken);
    const listed = (await c.call('sessions.list')).sessions;
    const bs = listed.find((s: any) => !s.current);
    expect(bs.client).toBe('unknown');
    expect(bs.lastSeen - bs.firstSeen).toBe(60_000);
    await post(server.url, '/api/logout', { refreshToken: b2.refreshToken });
    expect((await c.call('sessions.list')).sessions).toHaveLength(1);
  });
});

describe('password change', () => {
  it('needs the current password, ends every other session and keeps this one', async () => {
    const { sockets, pairs, refresh, login } = await threeSessions();
    const wrong = await sockets.a.request('password.change', { current: 'wrong horse', password: 'battery staple' });
    expect(wrong.error.code).toBe('UNAUTHORIZED');
    expect((await sockets.a.request('password.change', { current: 'correct horse', password: 'short' })).error.code).toBe('BAD_REQUEST');
    await sockets.a.call('password.change', { current: 'correct horse', password: 'battery staple' });
    expect(await sockets.b.waitClose()).toBe(4401);
    expect(await sockets.c.waitClose()).toBe(4401);
    expect(sockets.a.closeCode).toBeNull();
    await sockets.a.call('sessions.list');
    expect((await refresh(pairs.a)).status).toBe(200);
    expect((await refresh(pairs.b)).status).toBe(401);
    expect((await login('old')).status).toBe(401);
  });

  it('with two-factor login on it also needs a code', async () => {
    const clock = { t: 1_800_000_000_000 };
    const server = await setup({ now: () => clock.t });
    const pair = await signup(server.url, 'ada');
    const c = await connect(server.url, pair.accessToken);
    const { secret } = await c.call('twofa.setup');
    await c.call('twofa.enable', { code: totpAt(secret, clock.t) });
    clock.t += TOTP_PERIOD_SEC * 1000;
    const p = { current: 'correct horse', password: 'battery staple' };
    expect((await c.request('password.change', p)).error.code).toBe('CODE_REQUIRED');
    expect((await c.request('password.change', { ...p, code: '000000' })).error.code).toBe('UNAUTHORIZED');
    await c.call('password.change', { ...p, code: totpAt(secret, clock.t) });
    clock.t += TOTP_PERIOD_SEC * 1000;
    const login = await post(server.url, '/api/login', { username: 'ada', password: 'battery staple', code: totpAt(secret, clock.t) });
    expect(login.status).toBe(200);
  });
});

describe('the account-safety migration', () => {
  it('runs on a database from before it: sessions logged in before show up as unknown clients and keep working', async () => {
    const first = await setup();
    const pair = await signup(first.url, 'ada');
    const dataDir = first.dataDir;
    await first.close();
    const db = new Database(path.join(dataDir, 'od.sqlite'));
    rollBackTo(db, ACCOUNT_SAFETY_STEP - 1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('two_factor', 'sessions')").all()).toEqual([]);
    db.close();
    const again = await setup({ dataDir });
    const refreshed = await post(again.url, '/api/refresh', { refreshToken: pair.refreshToken });
    expect(refreshed.status).toBe(200);
    const c = await connect(again.url, refreshed.body.accessToken);
    const { sessions } = await c.call('sessions.list');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ client: 'unknown', current: true });
    expect(await c.call('twofa.status')).toMatchObject({ enabled: false });
  });
});
