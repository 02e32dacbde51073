import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TOTP_PERIOD_SEC, totpAt } from '../src/features/account-security/totp.js';
import { RawClient, post, signup, testScope } from './helpers.js';

/*
 * App passwords (per-client secrets for the IRC gateway) over real sockets, and the one login check the
 * gateway calls, `verifyGatewayLogin`, called directly: an app password always, the account password only
 * without two-factor login, the login form's rate budget, typed refusals.
 */
const { setup, cleanups } = testScope();

async function connect(url: string, token: string): Promise<RawClient> {
  const c = await RawClient.connect(url, token);
  cleanups.push(() => c.close());
  return c;
}

/** A server on an injected clock with ada signed up and connected. */
async function ada(over: Parameters<typeof setup>[0] = {}) {
  const clock = { t: 1_800_000_000_000 };
  const server = await setup({ now: () => clock.t, ...over });
  const pair = await signup(server.url, 'ada');
  const c = await connect(server.url, pair.accessToken);
  const gateway = (username: string, secret: string, ip = '192.0.2.7') => server.app.services.accountSecurity.verifyGatewayLogin(username, secret, ip);
  const revoked: Array<[string, string]> = [];
  server.app.services.accountSecurity.appPasswords.onRevoked((id, userId) => revoked.push([id, userId]));
  return { server, clock, pair, c, gateway, revoked, userId: pair.user.id };
}

describe('app passwords', () => {
  it('are shown once, kept only hashed, listed (also with the sessions) and revoked', async () => {
    const { server, c, revoked, userId } = await ada();
    const made = await c.call('apppassword.create', { name: 'irssi' });
    expect(made.secret).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    expect(made.appPassword).toMatchObject({ name: 'irssi', lastUsed: null, lastAddress: '' });
    const listed = await c.call('apppassword.list');
    expect(listed.appPasswords).toEqual([made.appPassword]);
    expect(JSON.stringify(listed)).not.toContain(made.secret);
    expect((await c.call('sessions.list')).appPasswords).toEqual([made.appPassword]);
    // Storage holds a hash, never the secret in any spelling.
    const db = new Database(path.join(server.dataDir, 'od.sqlite'), { readonly: true });
    const rows = JSON.stringify(db.prepare('SELECT * FROM app_passwords').all());
    db.close();
    for (const spelling of [made.secret, made.secret.toUpperCase(), made.secret.replace(/-/g, ''), made.secret.replace(/-/g, '').toUpperCase()]) {
      expect(rows).not.toContain(spelling);
    }
    // Names are unique per account; another user's id is no such app password.
    expect((await c.request('apppassword.create', { name: 'IRSSI' })).error.code).toBe('CONFLICT');
    expect((await c.request('apppassword.create', { name: '   ' })).error.code).toBe('BAD_REQUEST');
    const bob = await signup(server.url, 'bob');
    const b = await connect(server.url, bob.accessToken);
    expect((await b.request('apppassword.revoke', { appPasswordId: made.appPassword.id })).error.code).toBe('NOT_FOUND');
    expect(revoked).toEqual([]);
    await c.call('apppassword.revoke', { appPasswordId: made.appPassword.id });
    expect(revoked).toEqual([[made.appPassword.id, userId]]);
    expect((await c.call('apppassword.list')).appPasswords).toEqual([]);
    expect((await c.request('apppassword.revoke', { appPasswordId: made.appPassword.id })).error.code).toBe('NOT_FOUND');
  });

  it('at most 20 per account', async () => {
    const { c } = await ada();
    for (let i = 0; i < 20; i++) await c.call('apppassword.create', { name: `client-${i}` });
    const over = await c.request('apppassword.create', { name: 'one-more' });
    expect(over.error.code).toBe('CONFLICT');
    expect(over.error.message).toMatch(/20 app passwords/);
  });

  it('"log out everywhere else" and a password change revoke them too, telling the gateway', async () => {
    const { c, gateway, revoked } = await ada();
    const first = await c.call('apppassword.create', { name: 'irssi' });
    expect((await c.call('sessions.revokeOthers')).revoked).toBe(1);
    expect(revoked.map(([id]) => id)).toEqual([first.appPassword.id]);
    expect((await gateway('ada', first.secret)).ok).toBe(false);
    const second = await c.call('apppassword.create', { name: 'weechat' });
    await c.call('password.change', { current: 'correct horse', password: 'battery staple' });
    expect(revoked.map(([id]) => id)).toEqual([first.appPassword.id, second.appPassword.id]);
    expect(await gateway('ada', second.secret)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('verifyGatewayLogin', () => {
  it('accepts the account password while two-factor login is off, and an app password always', async () => {
    const { c, clock, gateway, userId } = await ada();
    expect(await gateway('ada', 'correct horse')).toEqual({ ok: true, userId, appPasswordId: null });
    expect(await gateway('  ADA ', 'correct horse')).toEqual({ ok: true, userId, appPasswordId: null });
    const { secret, appPassword } = await c.call('apppassword.create', { name: 'irssi' });
    clock.t += 5000;
    // Typed by hand: any case, with or without the dashes, spaces between the groups.
    expect(await gateway('ada', secret.toUpperCase().replace(/-/g, ' '), '198.51.100.4')).toEqual({ ok: true, userId, appPasswordId: appPassword.id });
    expect((await c.call('apppassword.list')).appPasswords[0]).toMatchObject({ lastUsed: clock.t, lastAddress: '198.51.100.4' });

    // Two-factor login on: the account password is refused with its own reason; the app password still works.
    const { secret: totp } = await c.call('twofa.setup');
    await c.call('twofa.enable', { code: totpAt(totp, clock.t) });
    clock.t += TOTP_PERIOD_SEC * 1000;
    const refused = await gateway('ada', 'correct horse');
    expect(refused).toMatchObject({ ok: false, reason: 'app-password-required' });
    expect(refused.ok === false && refused.message).toMatch(/app password/);
    expect(await gateway('ada', secret)).toEqual({ ok: true, userId, appPasswordId: appPassword.id });
  });

  it('refuses wrong secrets, unknown users and someone else\'s app password alike', async () => {
    const { server, c, gateway } = await ada();
    const { secret } = await c.call('apppassword.create', { name: 'irssi' });
    const bob = await signup(server.url, 'bob');
    for (const [user, pass] of [['ada', 'wrong horse'], ['nobody', 'correct horse'], ['bob', secret], ['ada', secret.slice(0, -1) + (secret.endsWith('a') ? 'b' : 'a')]] as const) {
      expect(await gateway(user, pass), `${user}/${pass}`).toEqual({ ok: false, reason: 'invalid', message: 'invalid username or password' });
    }
    expect((await gateway('bob', 'correct horse')).ok).toBe(true);
    expect(bob.user.id).not.toBe('');
  });

  it('tells a banned account why, only with its right password; banning ends its app passwords', async () => {
    const { server, c, gateway, userId } = await ada();
    const { secret } = await c.call('apppassword.create', { name: 'irssi' });
    await server.app.services.moderation.ban(null, { userId });
    expect(await gateway('ada', 'correct horse')).toMatchObject({ ok: false, reason: 'banned' });
    expect(await gateway('ada', 'wrong horse')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await gateway('ada', secret)).toMatchObject({ ok: false, reason: 'invalid' });
    // A kicked member (who may come back with an invite) is told so.
    const kim = await signup(server.url, 'kim');
    await server.app.services.moderation.kick(null, { userId: kim.user.id });
    expect(await gateway('kim', 'correct horse')).toMatchObject({ ok: false, reason: 'removed' });
  });

  it('spends the login form\'s rate budget: guesses at the gateway lock the form too, and the reverse', async () => {
    // Five failures per account before it waits (the per-name bucket), the clock stopped so nothing refills.
    const { server, gateway } = await ada({ authRate: { perSec: 1, burst: 25 } });
    for (let i = 0; i < 5; i++) expect((await gateway('ada', `guess ${i}`)).ok).toBe(false);
    const limited = await gateway('ada', 'correct horse');
    expect(limited).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect(limited.ok === false && limited.retryAfterMs).toBeGreaterThan(0);
    const form = await post(server.url, '/api/login', { username: 'ada', password: 'correct horse' });
    expect(form.status).toBe(429);
    // And the other way round, for another account.
    await signup(server.url, 'bob');
    for (let i = 0; i < 5; i++) expect((await post(server.url, '/api/login', { username: 'bob', password: `guess ${i}` })).status).toBe(401);
    expect(await gateway('bob', 'correct horse')).toMatchObject({ ok: false, reason: 'rate-limited' });
  });

  it('an account deletion takes its app passwords: no row left, the secret logs in nobody', async () => {
    const { server, c, gateway } = await ada();
    const { secret } = await c.call('apppassword.create', { name: 'irssi' });
    await c.call('account.delete', { password: 'correct horse', messages: 'erase' });
    expect(await gateway('ada', secret)).toMatchObject({ ok: false, reason: 'invalid' });
    const db = new Database(path.join(server.dataDir, 'od.sqlite'), { readonly: true });
    const left = db.prepare('SELECT COUNT(*) AS n FROM app_passwords').get() as { n: number };
    db.close();
    expect(left.n).toBe(0);
  });

  it('a login racing a two-factor enable ends consistent: accepted before it, refused after it', async () => {
    const { c, clock, gateway } = await ada();
    const { secret } = await c.call('twofa.setup');
    const [login, enabled] = await Promise.all([gateway('ada', 'correct horse'), c.request('twofa.enable', { code: totpAt(secret, clock.t) })]);
    expect(enabled.ok).toBe(true);
    // Whichever committed first, the next attempt sees two-factor login on.
    expect(login.ok || (login.ok === false && login.reason === 'app-password-required')).toBe(true);
    expect(await gateway('ada', 'correct horse')).toMatchObject({ ok: false, reason: 'app-password-required' });
  });
});
