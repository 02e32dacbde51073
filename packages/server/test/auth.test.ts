import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { createResetCode } from '../src/features/accounts/service.js';
import { post, RawClient, signup, testScope, testServer } from './helpers.js';

const { cleanups, setup } = testScope();

/** A token must be refused both by HTTP (401) and by the WebSocket (close 4401). */
async function expectRefused(url: string, token: string) {
  const http = await post(url, '/api/logout-all', {}, { authorization: `Bearer ${token}` });
  expect(http.status).toBe(401);
  expect(http.body.error.code).toBe('UNAUTHORIZED');
  const c = await RawClient.open(url);
  c.sendJson({ type: 'auth', token });
  expect(await c.waitClose()).toBe(4401);
}

describe('accounts', () => {
  it('first-run invite makes the owner; invite mode refuses signups without a code', async () => {
    const server = await setup({ registration: 'invite' });
    expect(server.firstRunInvite).toMatch(/^[A-Z0-9]{12}$/);
    const noCode = await post(server.url, '/api/signup', { username: 'eve', password: 'correct horse' });
    expect(noCode.status).toBe(403);
    const owner = await signup(server.url, 'Owner', { invite: server.firstRunInvite });
    expect(owner.user.username).toBe('owner');
    expect(owner.user.roles).toEqual(['owner']);
    const reused = await post(server.url, '/api/signup', { username: 'eve', password: 'correct horse', invite: server.firstRunInvite });
    expect(reused.status).toBe(403);
    // The first-run invite is created once per data dir.
    await server.close();
    const again = await testServer({ dataDir: server.dataDir, registration: 'invite' });
    cleanups.push(() => again.close());
    expect(again.firstRunInvite).toBeNull();
    // The secret file is owner-only.
    expect(fs.statSync(path.join(server.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('a taken nickname is refused at sign-up (CONFLICT), never changed; without one a made-up nickname, never the username', async () => {
    const server = await setup();
    await signup(server.url, 'first', { nickname: 'sam' });
    const clash = await post(server.url, '/api/signup', { username: 'second', password: 'correct horse', nickname: 'Sam' });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toEqual({ code: 'CONFLICT', message: 'that nickname is taken' });
    // Nothing was created: the username is still free.
    const second = await signup(server.url, 'second', { nickname: 'Sam-two' });
    expect(second.user.nickname).toBe('Sam-two');
    const anonymous = await signup(server.url, 'bob.secret.login', { nickname: undefined });
    expect(anonymous.user.nickname).toMatch(/^member-[0-9a-z]{4}$/);
    expect(anonymous.user.nickname).not.toContain('bob');
    const dup = await post(server.url, '/api/signup', { username: 'first', password: 'correct horse' });
    expect(dup.status).toBe(409);
    const badNick = await post(server.url, '/api/signup', { username: 'sammy', password: 'correct horse', nickname: 'two words' });
    expect(badNick.status).toBe(400);
    const c = await RawClient.connect(server.url, second.accessToken);
    cleanups.push(() => c.close());
    // What everyone else is told about the newcomer carries no username.
    const third = await signup(server.url, 'carol.private', { nickname: undefined });
    const joined = await c.waitFrame((f) => f.type === 'event' && f.event.type === 'user.joined' && f.event.data.user.id === third.user.id);
    expect(JSON.stringify(joined)).not.toContain('carol');
    expect(JSON.stringify(await c.call('state'))).not.toMatch(/carol|bob\.secret/);
    const taken = await c.request('nick.set', { nickname: 'SAM' });
    expect(taken.error.code).toBe('CONFLICT');
    const bad = await c.request('nick.set', { nickname: 'no spaces' });
    expect(bad.error.code).toBe('BAD_REQUEST');
    expect((await c.call('nick.set', { nickname: 'samuel' })).user.nickname).toBe('samuel');
  });

  it('login: unknown user and wrong password get the same answer', async () => {
    const server = await setup();
    await signup(server.url, 'alice');
    const wrong = await post(server.url, '/api/login', { username: 'alice', password: 'wrong password' });
    const unknown = await post(server.url, '/api/login', { username: 'nobody', password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(unknown).toEqual(wrong);
    const ok = await post(server.url, '/api/login', { username: 'ALICE', password: 'correct horse' });
    expect(ok.status).toBe(200);
  });

  it('passwords longer than 72 bytes are not truncated', async () => {
    const server = await setup();
    const long = 'x'.repeat(80);
    await signup(server.url, 'alice', { password: `${long}A` });
    expect((await post(server.url, '/api/login', { username: 'alice', password: `${long}B` })).status).toBe(401);
    expect((await post(server.url, '/api/login', { username: 'alice', password: `${long}A` })).status).toBe(200);
  });

  it('refresh rotates; reusing a rotated token revokes the whole family', async () => {
    const server = await setup();
    const first = await signup(server.url, 'alice');
    const r1 = await post(server.url, '/api/refresh', { refreshToken: first.refreshToken });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(first.refreshToken);
    const r2 = await post(server.url, '/api/refresh', { refreshToken: r1.body.refreshToken });
    expect(r2.status).toBe(200);
    // A second session (another login) is a different family and must survive.
    const other = await post(server.url, '/api/login', { username: 'alice', password: 'correct horse' });

    const reuse = await post(server.url, '/api/refresh', { refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    // The thief's reuse killed the legitimate, newest token of that family too.
    expect((await post(server.url, '/api/refresh', { refreshToken: r2.body.refreshToken })).status).toBe(401);
    expect((await post(server.url, '/api/refresh', { refreshToken: other.body.refreshToken })).status).toBe(200);
    expect((await post(server.url, '/api/refresh', { refreshToken: 'garbage' })).status).toBe(401);
  });

  it('logout revokes a session; logout-all revokes every session and live access token', async () => {
    const server = await setup();
    const s1 = await signup(server.url, 'alice');
    const out = await post(server.url, '/api/logout', { refreshToken: s1.refreshToken });
    expect(out.body).toEqual({ ok: true });
    expect((await post(server.url, '/api/refresh', { refreshToken: s1.refreshToken })).status).toBe(401);

    const s2 = (await post(server.url, '/api/login', { username: 'alice', password: 'correct horse' })).body;
    const s3 = (await post(server.url, '/api/login', { username: 'alice', password: 'correct horse' })).body;
    const live = await RawClient.connect(server.url, s2.accessToken);
    cleanups.push(() => live.close());
    const all = await post(server.url, '/api/logout-all', {}, { authorization: `Bearer ${s3.accessToken}` });
    expect(all.status).toBe(200);
    expect(await live.waitClose()).toBe(4401);
    expect((await post(server.url, '/api/refresh', { refreshToken: s2.refreshToken })).status).toBe(401);
    expect((await post(server.url, '/api/refresh', { refreshToken: s3.refreshToken })).status).toBe(401);
    await expectRefused(server.url, s2.accessToken);
  });

  it('refuses expired, foreign-secret, alg:none and exp-less tokens over HTTP and WebSocket', async () => {
    let offset = 0;
    const server = await setup({ now: () => Date.now() + offset, accessTokenTtlSec: 60 });
    const alice = await signup(server.url, 'alice');
    const claims = jwt.decode(alice.accessToken) as Record<string, unknown>;
    const secret = Buffer.from(fs.readFileSync(path.join(server.dataDir, 'secret.key'), 'utf8').trim(), 'hex');

    const foreign = jwt.sign({ ...claims }, 'x'.repeat(64), { algorithm: 'HS256' });
    await expectRefused(server.url, foreign);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
      JSON.stringify(claims),
    ).toString('base64url')}.`;
    await expectRefused(server.url, none);
    const { exp: _exp, ...noExp } = claims;
    await expectRefused(server.url, jwt.sign(noExp, secret, { algorithm: 'HS256' }));
    await expectRefused(server.url, 'not-a-jwt');

    offset = 61_000;
    await expectRefused(server.url, alice.accessToken);
  });

  it('a one-time reset code sets a new password and ends every session', async () => {
    const server = await setup();
    const alice = await signup(server.url, 'alice');
    const code = await createResetCode(server.app.services.deps, 'alice');
    const wrong = await post(server.url, '/api/reset-password', { username: 'alice', code: 'WRONGCODE', password: 'new password' });
    expect(wrong.status).toBe(401);
    const ok = await post(server.url, '/api/reset-password', { username: 'alice', code, password: 'new password' });
    expect(ok.status).toBe(200);
    expect((await post(server.url, '/api/refresh', { refreshToken: alice.refreshToken })).status).toBe(401);
    expect((await post(server.url, '/api/login', { username: 'alice', password: 'new password' })).status).toBe(200);
    const again = await post(server.url, '/api/reset-password', { username: 'alice', code, password: 'other password' });
    expect(again.status).toBe(401);
  });

  it('per-address login buckets answer RATE_LIMITED with Retry-After', async () => {
    const server = await setup({ authRate: { perSec: 0.001, burst: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(server.url, '/api/login', { username: `u${i}`, password: 'whatever1' })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it('bad bodies get clean 400/413/404 answers', async () => {
    const server = await setup();
    expect((await post(server.url, '/api/signup', '{not json')).status).toBe(400);
    expect((await post(server.url, '/api/signup', { username: 'x' })).status).toBe(400);
    expect((await post(server.url, '/api/signup', { username: 'a'.repeat(20000) })).status).toBe(413);
    expect((await post(server.url, '/api/nothing', {})).status).toBe(404);
    const health = await fetch(server.url + '/healthz');
    expect(await health.json()).toEqual({ ok: true, head: server.head() });
  });
});
