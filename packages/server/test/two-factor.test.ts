import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, totpSealKey } from '../src/features/account-security/sealed-secret.js';
import { Secret } from 'otpauth';
import { matchingStep, stepAt, totpAt, TOTP_PERIOD_SEC } from '../src/features/account-security/totp.js';
import { userResetPassword } from '../src/cli/admin.js';
import { RawClient, post, signup, testScope } from './helpers.js';

const { setup } = testScope();

describe('TOTP (RFC 6238 appendix B)', () => {
  // The RFC's seeds are the ASCII digits repeated to the hash's key length; codes are 8 digits.
  const seeds = {
    SHA1: Secret.fromLatin1('12345678901234567890'),
    SHA256: Secret.fromLatin1('12345678901234567890123456789012'),
    SHA512: Secret.fromLatin1('1234567890123456789012345678901234567890123456789012345678901234'),
  } as const;
  const vectors: Array<[number, string, string, string]> = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(vectors)('at %i s', (sec, sha1, sha256, sha512) => {
    expect(totpAt(seeds.SHA1, sec * 1000, { digits: 8, algorithm: 'SHA1' })).toBe(sha1);
    expect(totpAt(seeds.SHA256, sec * 1000, { digits: 8, algorithm: 'SHA256' })).toBe(sha256);
    expect(totpAt(seeds.SHA512, sec * 1000, { digits: 8, algorithm: 'SHA512' })).toBe(sha512);
  });

  it('accepts one step of drift either side and nothing further', () => {
    const secret = seeds.SHA1.base32;
    const t = 1_111_111_111_000;
    const s = stepAt(t);
    const at = (step: number) => totpAt(secret, step * TOTP_PERIOD_SEC * 1000);
    expect(matchingStep(secret, at(s), t)).toBe(s);
    expect(matchingStep(secret, at(s - 1), t)).toBe(s - 1);
    expect(matchingStep(secret, at(s + 1), t)).toBe(s + 1);
    expect(matchingStep(secret, at(s - 2), t)).toBeNull();
    expect(matchingStep(secret, at(s + 2), t)).toBeNull();
    expect(matchingStep(secret, 'abcdef', t)).toBeNull();
  });
});

/** A server on a clock the test moves, and a user with two-factor login on. */
async function enrolled(over: Parameters<typeof setup>[0] = {}, start = 1_800_000_000_000) {
  const clock = { t: start };
  const server = await setup({ now: () => clock.t, ...over });
  const pair = await signup(server.url, 'ada');
  const c = await RawClient.connect(server.url, pair.accessToken);
  const { secret, uri } = await c.call('twofa.setup');
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  expect(uri).toContain(`secret=${secret}`);
  const code = (offsetSteps = 0) => totpAt(secret, clock.t + offsetSteps * TOTP_PERIOD_SEC * 1000);
  const { recoveryCodes } = await c.call('twofa.enable', { code: code() });
  const login = (body: Record<string, unknown>) => post(server.url, '/api/login', { username: 'ada', password: 'correct horse', ...body });
  const next = () => {
    clock.t += TOTP_PERIOD_SEC * 1000;
  };
  return { server, clock, c, secret, code, recoveryCodes: recoveryCodes as string[], login, next };
}

describe('TOTP secrets at rest', () => {
  it('are sealed under a key from the server secret: another key opens nothing, tampering is detected', () => {
    const key = totpSealKey(randomBytes(32));
    const sealed = sealSecret(key, 'JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealSecret(key, 'JBSWY3DPEHPK3PXP')).not.toBe(sealed); // a fresh IV each time
    expect(openSecret(key, sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(openSecret(totpSealKey(randomBytes(32)), sealed)).toBeNull();
    const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(openSecret(key, flipped)).toBeNull();
    expect(openSecret(key, 'JBSWY3DPEHPK3PXP')).toBeNull();
  });

  it('the database files never hold an enrolled secret in the clear', async () => {
    const { server, secret } = await enrolled();
    const bytes = ['od.sqlite', 'od.sqlite-wal']
      .map((f) => path.join(server.dataDir, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.readFileSync(f));
    expect(bytes.length).toBeGreaterThan(0);
    for (const b of bytes) expect(b.includes(Buffer.from(secret))).toBe(false);
  });
});

describe('two-factor login', () => {
  it('enrols with a code, shows ten recovery codes once, and then asks for a code after the password', async () => {
    const { c, login, code, next, recoveryCodes } = await enrolled();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await c.call('twofa.status')).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    // A wrong password says nothing about two-factor login.
    const wrong = await login({ password: 'wrong horse' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHORIZED');
    const asked = await login({});
    expect(asked.status).toBe(401);
    expect(asked.body.error.code).toBe('CODE_REQUIRED');
    // The enrolment code's step is used up; the next step's code logs in.
    expect((await login({ code: code() })).body.error.code).toBe('UNAUTHORIZED');
    next();
    const ok = await login({ code: code() });
    expect(ok.status).toBe(200);
    expect(ok.body.accessToken).toBeTypeOf('string');
  });

  it('refuses a replayed code and accepts one step of clock drift, never going back', async () => {
    const { login, code, next } = await enrolled();
    next();
    next();
    expect((await login({ code: code(1) })).status).toBe(200); // the phone runs a step ahead
    expect((await login({ code: code(1) })).status).toBe(401); // replayed
    expect((await login({ code: code(0) })).status).toBe(401); // older than the last used step
    expect((await login({ code: code(-1) })).status).toBe(401);
    next();
    next();
    expect((await login({ code: code(-1) })).status).toBe(401); // the step used above, seen late
    expect((await login({ code: code(0) })).status).toBe(200);
    expect((await login({ code: code(2) })).status).toBe(401); // outside the window
  });

  it('a recovery code logs in once, in any case and with spaces', async () => {
    const { c, login, recoveryCodes } = await enrolled();
    const rc = recoveryCodes[3]!;
    expect((await login({ code: ` ${rc.toUpperCase().replace('-', ' ')} ` })).status).toBe(200);
    expect((await login({ code: rc })).status).toBe(401);
    expect((await login({ code: 'aaaaa-aaaaa' })).status).toBe(401);
    expect(await c.call('twofa.status')).toMatchObject({ enabled: true, recoveryCodesLeft: 9 });
  });

  it('two logins racing with the same code: exactly one gets in', async () => {
    const { login, code, next } = await enrolled();
    next();
    const results = await Promise.all([login({ code: code() }), login({ code: code() }), login({ code: code() })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  it('wrong codes spend the account login budget: guessing is rate-limited even with the right password', async () => {
    // The per-account bucket holds a fifth of the per-address burst (at least 5): five wrong codes.
    const { login, code, next } = await enrolled({ authRate: { perSec: 0.001, burst: 25 } });
    next();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await login({ code: String(100000 + i) })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    // Even the right code waits: the budget is spent.
    const blocked = await login({ code: code() });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
  });

  it('wrong codes and passwords over the socket spend the same budget as login attempts', async () => {
    const { c, login, code, next } = await enrolled({ authRate: { perSec: 0.001, burst: 25 } });
    next();
    for (let i = 0; i < 3; i++) expect((await c.request('twofa.disable', { password: 'correct horse', code: String(200000 + i) })).error.code).toBe('UNAUTHORIZED');
    for (let i = 0; i < 2; i++) expect((await c.request('password.change', { current: 'wrong horse', password: 'battery staple' })).error.code).toBe('UNAUTHORIZED');
    // Five failures: the account's bucket is empty, for the login form too.
    expect((await c.request('twofa.disable', { password: 'correct horse', code: code() })).error.code).toBe('RATE_LIMITED');
    expect((await login({ code: code() })).status).toBe(429);
    expect((await c.call('twofa.status')).enabled).toBe(true);
  });

  it('a kicked member rejoining an account with two-factor login needs its code too', async () => {
    const { server, code, next } = await enrolled();
    await server.app.services.moderation.kick(null, { userId: (await server.app.storage.users.byUsername('ada'))!.id });
    const invite = async () => (await server.app.services.invites.create(null, { uses: 1 })).invite.code!;
    const rejoin = async (extra: Record<string, unknown>) =>
      post(server.url, '/api/signup', { username: 'ada', password: 'correct horse', nickname: 'ada', invite: await invite(), ...extra });
    expect((await rejoin({})).body.error.code).toBe('CODE_REQUIRED');
    expect((await rejoin({ code: '000000' })).body.error.code).toBe('UNAUTHORIZED');
    next();
    const back = await rejoin({ code: code() });
    expect(back.status).toBe(200);
    expect(back.body.user.username).toBe('ada');
  });

  it('disabling needs both the password and a code', async () => {
    const { c, login, code, next, recoveryCodes } = await enrolled();
    next();
    expect((await c.request('twofa.disable', { password: 'wrong horse', code: code() })).error.code).toBe('UNAUTHORIZED');
    expect((await c.request('twofa.disable', { password: 'correct horse', code: '000000' })).error.code).toBe('UNAUTHORIZED');
    expect((await c.call('twofa.status')).enabled).toBe(true);
    await c.call('twofa.disable', { password: 'correct horse', code: recoveryCodes[0]! });
    expect(await c.call('twofa.status')).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    expect((await login({})).status).toBe(200);
    // Setting up again starts over with a new secret.
    const again = await c.call('twofa.setup');
    expect(again.secret).not.toBe(undefined);
    expect((await login({})).status).toBe(200); // pending enrolment does not ask for codes yet
  });

  it('a login racing an enable ends consistent: a session issued before it, or a request for the code', async () => {
    const clock = { t: 1_800_000_000_000 };
    const server = await setup({ now: () => clock.t });
    const pair = await signup(server.url, 'ada');
    const c = await RawClient.connect(server.url, pair.accessToken);
    const { secret } = await c.call('twofa.setup');
    const login = () => post(server.url, '/api/login', { username: 'ada', password: 'correct horse' });
    const [early, enabled, late] = await Promise.all([login(), c.call('twofa.enable', { code: totpAt(secret, clock.t) }), login()]);
    expect(enabled.recoveryCodes).toHaveLength(10);
    for (const r of [early, late]) {
      if (r.status !== 200) expect(r.body.error.code).toBe('CODE_REQUIRED');
    }
    // Whatever the order was, from now on a code is needed.
    expect((await login()).body.error.code).toBe('CODE_REQUIRED');
  });

  it('enrolment refuses a wrong code and a second enable, and setup while on', async () => {
    const clock = { t: 1_800_000_000_000 };
    const server = await setup({ now: () => clock.t });
    const pair = await signup(server.url, 'ada');
    const c = await RawClient.connect(server.url, pair.accessToken);
    expect((await c.request('twofa.enable', { code: '123456' })).error.code).toBe('BAD_REQUEST');
    const { secret } = await c.call('twofa.setup');
    expect((await c.request('twofa.enable', { code: '12345x' })).error.code).toBe('UNAUTHORIZED');
    await c.call('twofa.enable', { code: totpAt(secret, clock.t) });
    expect((await c.request('twofa.enable', { code: totpAt(secret, clock.t) })).error.code).toBe('CONFLICT');
    expect((await c.request('twofa.setup')).error.code).toBe('CONFLICT');
    expect((await c.request('twofa.enable', { code: 'x'.repeat(40) })).error.code).toBe('BAD_REQUEST');
  });

  it('an operator reset code keeps two-factor login on unless issued with --clear-2fa', async () => {
    // The command line stamps reset codes with the real clock, so this server runs on it too (moved by steps).
    const { server, login, code, next, c } = await enrolled({}, Date.now());
    const keep = await userResetPassword(server.dataDir, 'ada');
    expect((await post(server.url, '/api/reset-password', { username: 'ada', code: keep, password: 'new password 1' })).status).toBe(200);
    expect(await c.waitClose()).toBe(4401);
    expect((await login({ password: 'new password 1' })).body.error.code).toBe('CODE_REQUIRED');
    next();
    expect((await login({ password: 'new password 1', code: code() })).status).toBe(200);
    const clear = await userResetPassword(server.dataDir, 'ada', { clearTwoFactor: true });
    expect((await post(server.url, '/api/reset-password', { username: 'ada', code: clear, password: 'new password 2' })).status).toBe(200);
    const plain = await login({ password: 'new password 2' });
    expect(plain.status).toBe(200);
    const again = await RawClient.connect(server.url, plain.body.accessToken);
    expect(await again.call('twofa.status')).toMatchObject({ enabled: false, recoveryCodesLeft: 0 });
    await again.close();
  });
});

describe('a role that requires two-factor login', () => {
  it('the owner requires it; a holder without it can read but not write until they turn it on', async () => {
    const clock = { t: 1_800_000_000_000 };
    const server = await setup({ now: () => clock.t });
    const owner = await signup(server.url, 'olga');
    const admin = await signup(server.url, 'adam');
    await server.app.services.roles.grant(null, { userId: owner.user.id, roleId: 'owner' });
    await server.app.services.roles.grant(null, { userId: admin.user.id, roleId: 'admin' });
    const o = await RawClient.connect(server.url, owner.accessToken);
    const a = await RawClient.connect(server.url, admin.accessToken);
    const room = (await o.call('room.create', { name: 'ops' })).room;
    await a.call('room.join', { roomId: room.id });

    // Only the owner decides, and only about roles that exist.
    expect((await a.request('twofa.require', { roleId: 'admin' })).error.code).toBe('FORBIDDEN');
    expect((await o.request('twofa.require', { roleId: 'nope' })).error.code).toBe('NOT_FOUND');
    await o.call('twofa.require', { roleId: 'admin' });
    expect(await a.call('twofa.status')).toMatchObject({ enabled: false, requiredRoles: ['admin'], required: true });
    expect(await o.call('twofa.status')).toMatchObject({ required: false });

    const refused = await a.request('message.send', { roomId: room.id, text: 'hi', nonce: 'n1' });
    expect(refused.error.code).toBe('FORBIDDEN');
    expect(refused.error.message).toMatch(/admin requires two-factor login/);
    // Reads still work, and so does turning it on.
    expect((await a.call('history', { roomId: room.id })).messages).toEqual([]);
    const { secret } = await a.call('twofa.setup');
    await a.call('twofa.enable', { code: totpAt(secret, clock.t) });
    await a.call('message.send', { roomId: room.id, text: 'hi', nonce: 'n2' });
    // The owner, who holds no required role, was never held back.
    await o.call('message.send', { roomId: room.id, text: 'welcome', nonce: 'n3' });

    // Lifted: a member of the role who turned it off can write again.
    clock.t += TOTP_PERIOD_SEC * 1000;
    await a.call('twofa.disable', { password: 'correct horse', code: totpAt(secret, clock.t) });
    expect((await a.request('message.send', { roomId: room.id, text: 'again', nonce: 'n4' })).error.code).toBe('FORBIDDEN');
    await o.call('twofa.unrequire', { roleId: 'admin' });
    await a.call('message.send', { roomId: room.id, text: 'again', nonce: 'n5' });
    expect(await a.call('twofa.status')).toMatchObject({ requiredRoles: [], required: false });
  });
});
