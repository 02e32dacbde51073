/**
 * Regression tests: logins racing resets, lockout by others, and cheap refusals before password work.
 * Each test fails on the code before its fix.
 */
import type { App } from '../src/app.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createInvite, createResetCode } from '../src/features/accounts/service.js';
import { Harness, makeOwner, member } from './community-support.js';
import { post, signup, until } from './helpers.js';

const h = new Harness();
afterEach(() => h.release());

/**
 * Hold every password comparison of this server after it has computed its answer, until released: the
 * window in which a slow bcrypt compare races other writes, made deterministic.
 */
function holdPasswordChecks(server: { app: App }) {
  const hasher = (server.app.services.auth as unknown as { passwords: { verify: (p: string, h: string) => Promise<boolean> } }).passwords;
  const verify = hasher.verify.bind(hasher);
  let waiting = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  hasher.verify = async (password, hash) => {
    const ok = await verify(password, hash);
    waiting++;
    await gate;
    return ok;
  };
  return { waiting: () => waiting, release };
}

describe('a login racing a password reset or logout-all', () => {
  it('a login verified against the old password before a reset commits gets no session', async () => {
    const server = await h.server();
    await signup(server.url, 'victim');
    const held = holdPasswordChecks(server);
    const login = post(server.url, '/api/login', { username: 'victim', password: 'correct horse' });
    await until(() => held.waiting() === 1, 'the login to check the password');
    const code = await createResetCode(server.app.services.deps, 'victim');
    const reset = await post(server.url, '/api/reset-password', { username: 'victim', code, password: 'new password 123' });
    expect(reset.status).toBe(200);
    held.release();
    const late = await login;
    expect(late.status).toBe(401);
    expect(late.body.error).toEqual({ code: 'UNAUTHORIZED', message: 'invalid username or password' });
    expect((await post(server.url, '/api/login', { username: 'victim', password: 'new password 123' })).status).toBe(200);
  });

  it('a login verified before a logout-all commits gets no session', async () => {
    const server = await h.server();
    const pair = await signup(server.url, 'victim');
    const held = holdPasswordChecks(server);
    const login = post(server.url, '/api/login', { username: 'victim', password: 'correct horse' });
    await until(() => held.waiting() === 1, 'the login to check the password');
    expect((await post(server.url, '/api/logout-all', {}, { authorization: `Bearer ${pair.accessToken}` })).status).toBe(200);
    held.release();
    expect((await login).status).toBe(401);
  });

  it('a kicked member rejoining with the old password while it is reset does not get the account back', async () => {
    const server = await h.server();
    const owner = await member(server.url, 'owner3');
    await makeOwner(server, owner.id);
    const pete = await signup(server.url, 'pete');
    const o = await h.connect(server.url, owner.token);
    await o.call('member.kick', { userId: pete.user.id });
    const { storage: store } = server.app;
    const held = holdPasswordChecks(server);
    const rejoin = post(server.url, '/api/signup', { username: 'pete', password: 'correct horse', invite: await createInvite({ store, now: Date.now }) });
    await until(() => held.waiting() === 1, 'the rejoin to check the password');
    const code = await createResetCode(server.app.services.deps, 'pete');
    expect((await post(server.url, '/api/reset-password', { username: 'pete', code, password: 'new password 123' })).status).toBe(200);
    held.release();
    const late = await rejoin;
    expect(late.status).toBe(409);
    expect(store.users.byId(pete.user.id)!.removed).toBe(true);
  });
});

/** Count the password hashes this server computes from now on. */
function countHashes(server: { app: App }): () => number {
  const hasher = (server.app.services.auth as unknown as { passwords: { hash: (p: string) => Promise<string> } }).passwords;
  const hash = hasher.hash.bind(hasher);
  let n = 0;
  hasher.hash = (password) => {
    n++;
    return hash(password);
  };
  return () => n;
}

describe('auth limits: no lockout by others, cheap refusals first', () => {
  // Buckets that practically never refill during the test: the per-username one holds 10 attempts.
  const authRate = { perSec: 0.001, burst: 50 };

  it('successful logins never spend the per-username bucket; failed ones do', async () => {
    const server = await h.server({ authRate });
    await signup(server.url, 'victim');
    for (let i = 0; i < 15; i++) {
      expect((await post(server.url, '/api/login', { username: 'victim', password: 'correct horse' })).status).toBe(200);
    }
    // Wrong passwords do count, so guessing one account stays slow.
    for (let i = 0; i < 10; i++) {
      expect((await post(server.url, '/api/login', { username: 'victim', password: 'wrong guess' })).status).toBe(401);
    }
    const limited = await post(server.url, '/api/login', { username: 'victim', password: 'wrong guess' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });

  it('closed registration and bad invites are refused before any password is hashed', async () => {
    const closed = await h.server({ registration: 'closed' });
    await signup(closed.url, 'first', { invite: closed.firstRunInvite }); // the owner invite still works once
    const hashes = countHashes(closed);
    const refusedClosed = await post(closed.url, '/api/signup', { username: 'eve', password: 'correct horse' });
    expect(refusedClosed.body.error).toEqual({ code: 'FORBIDDEN', message: 'registration is closed' });
    const { storage: store } = closed.app;
    const withInvite = await post(closed.url, '/api/signup', { username: 'eve', password: 'correct horse', invite: await createInvite({ store, now: Date.now }) });
    expect(withInvite.body.error).toEqual({ code: 'FORBIDDEN', message: 'registration is closed' });
    expect(hashes()).toBe(0);

    const invite = await h.server({ registration: 'invite' });
    const hashes2 = countHashes(invite);
    expect((await post(invite.url, '/api/signup', { username: 'eve', password: 'correct horse' })).status).toBe(403);
    expect((await post(invite.url, '/api/signup', { username: 'eve', password: 'correct horse', invite: 'NOT-A-CODE' })).status).toBe(403);
    expect(hashes2()).toBe(0);
  });

  it('a wrong reset code is refused before the new password is hashed', async () => {
    const server = await h.server();
    await signup(server.url, 'victim');
    const hashes = countHashes(server);
    const bad = await post(server.url, '/api/reset-password', { username: 'victim', code: 'WRONGCODE1', password: 'new password 123' });
    expect(bad.status).toBe(401);
    expect(hashes()).toBe(0);
    const code = await createResetCode(server.app.services.deps, 'victim');
    expect((await post(server.url, '/api/reset-password', { username: 'victim', code, password: 'new password 123' })).status).toBe(200);
    expect(hashes()).toBe(1);
  });
});
