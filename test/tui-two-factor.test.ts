import { connect, signup } from '@open-discord/protocol';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { putSession } from '../packages/tui/src/config/sessions.js';
import { TOTP_PERIOD_SEC, totpAt } from '../packages/server/src/features/account-security/totp.js';
import { hasTmux, testScope } from './tui-support.js';

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-two-factor: tmux is not installed; skipping the real-terminal tests');

const { cleanups, tempDir, server, terminal } = testScope();

/*
 * Two-factor login in a real terminal: enrolling from `od 2fa enable` (QR code on screen, the secret read back
 * off the screen the way a person would type it into an app), and logging in with a code after the password.
 * The server runs on the real clock, so codes are made for the step after the one used (one step of drift is
 * allowed), never by waiting for the clock.
 */
describe.skipIf(tmuxMissing)('two-factor login in od', () => {
  it('od 2fa enable shows the QR code; the code read off the screen turns it on; recovery codes are shown', async () => {
    const srv = await server(tempDir());
    const pair = await signup(srv.url, { username: 'ada', password: 'correct-horse-1', nickname: 'ada' });
    const config = path.join(tempDir(), 'od');
    putSession(config, 'local', { url: srv.url, refreshToken: pair.refreshToken });
    const term = terminal(120, 50);
    term.start({ OD_CONFIG_DIR: config, OD_NOTIFY: 'bell' }, ['2fa', 'enable']);
    const shown = await term.waitForText(/or type the secret: ([A-Z2-7 ]+)/);
    expect(shown).toContain('scan this with your authenticator app');
    expect(shown).toMatch(/█{10,}/);
    const secret = /or type the secret: ([A-Z2-7 ]+)/.exec(shown)![1]!.replace(/\s/g, '');
    term.line(totpAt(secret, Date.now()));
    const done = await term.waitForText('Two-factor login is on');
    expect(done.match(/ [a-z2-9]{5}-[a-z2-9]{5}\b/g)).toHaveLength(10);
    term.keys('Escape');
    await term.waitFor((s) => !s.includes('Two-factor login is on'), 'the screen to close');
    // The server agrees.
    const bot = await connect(srv.url, { username: 'ada', password: 'correct-horse-1', code: totpAt(secret, Date.now() + TOTP_PERIOD_SEC * 1000) });
    cleanups.push(() => bot.close());
    expect(await bot.request('twofa.status', {})).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
  });

  it('od login asks for the code after the password, refuses a wrong one, and logs in with the right one', async () => {
    const srv = await server(tempDir());
    await signup(srv.url, { username: 'ada', password: 'correct-horse-1', nickname: 'ada' });
    const setup = await connect(srv.url, { username: 'ada', password: 'correct-horse-1' });
    const { secret } = await setup.request('twofa.setup', {});
    await setup.request('twofa.enable', { code: totpAt(secret, Date.now()) });
    setup.close();

    const config = path.join(tempDir(), 'od');
    const term = terminal(120, 40);
    term.start({ OD_CONFIG_DIR: config, OD_NOTIFY: 'bell' }, ['login', srv.url]);
    await term.waitForText('Log in or sign up');
    term.type('l');
    await term.waitForText('Username:');
    term.line('ada');
    await term.waitForText('Password: (hidden)');
    term.line('correct-horse-1');
    await term.waitForText('this account has two-factor login: enter the code');
    term.line('000000');
    await term.waitForText('invalid two-factor code');
    // The next step's code (the enrolment used this one): allowed as one step of clock drift.
    term.line(totpAt(secret, Date.now() + TOTP_PERIOD_SEC * 1000));
    await term.waitForText(/ live .*ada/);
    expect(term.screen()).not.toContain('correct-horse-1');
  });
});
