import { connect, signup } from '@open-discord/protocol';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { putSession, sessionsPath } from '../packages/tui/src/config/sessions.js';
import { count, hasTmux, testScope } from './tui-support.js';

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-e2e: tmux is not installed; skipping the real-terminal tests');

const { cleanups, tempDir, server, terminal, bot } = testScope();




describe.skipIf(tmuxMissing)('od in a real terminal', () => {
  it('signs up, creates a room with a slash command, chats, and quits cleanly', async () => {
    const srv = await server(tempDir());
    const config = path.join(tempDir(), 'od');
    const term = terminal();
    // As the README says: `npx od` from the clone (here `npx od login URL`, so the test's server is used).
    term.start({ OD_CONFIG_DIR: config }, ['login', srv.url], { npx: true });

    await term.waitForText('Log in or sign up');
    term.type('s');
    await term.waitForText('Username:');
    term.line('alice');
    await term.waitForText('Password: (hidden)');
    term.line('correct-horse-1');
    await term.waitForText('Invite code');
    term.line(srv.firstRunInvite!);
    await term.waitForText('Nickname');
    term.line('alice');

    // The chat screen: live, no room yet.
    await term.waitForText(/ live .*alice/);
    await term.waitForText('[no room]');
    expect(fs.statSync(sessionsPath(config)).mode & 0o777).toBe(0o600);
    expect(term.screen()).not.toContain('correct-horse-1');

    term.line('/create general the main room');
    await term.waitForText('#general — the main room');
    await term.waitForText('[#general]');

    term.line('hello from alice');
    const s1 = await term.waitForText(/\d\d:\d\d alice hello from alice\s*\n/);
    expect(count(s1, 'hello from alice')).toBe(1);

    // Someone else's message arrives live.
    const bob = await bot(srv.url, 'bob');
    const state = await bob.request('state', {});
    const general = state.rooms.find((r) => r.name === 'general')!;
    // Bob joins the room before talking in it (a room's messages reach its members only).
    await bob.request('room.join', { roomId: general.id });
    await bob.request('message.send', { roomId: general.id, text: 'hi alice, bob here', nonce: 'b1' });
    await term.waitForText(/\d\d:\d\d bob hi alice, bob here/);

    // More slash commands: nickname and topic.
    term.line('/nick alicia');
    await term.waitForText(/ alicia\s*$/m);
    term.line('/topic a new topic');
    await term.waitForText('#general — a new topic');
    term.line('/me waves');
    await term.waitForText(/\* alicia waves/);

    // Tab completion of a command name.
    term.type('/hel');
    term.keys('Tab');
    await term.waitForText(/\[#general\] \/help\s*$/m);
    term.keys('Enter');
    await term.waitForText('/join <room>');
    // The list is longer than the screen: PgDn until a command further down shows.
    for (let i = 0; i < 6 && !term.screen().includes('/role grant <nick> <role>'); i++) {
      const before = term.screen();
      term.keys('PageDown');
      await term.waitFor((s) => s !== before, 'the next page of help');
    }
    await term.waitForText('/role grant <nick> <role>');
    term.keys('Escape');
    await term.waitFor((s) => !s.includes('od help'), 'help to close');

    term.line('/quit');
    await term.waitFor(() => term.exitStatus() !== null, 'od to exit');
    expect(term.exitStatus()).toBe(0);
    // The alternate screen is gone: the chat is no longer on the terminal.
    expect(term.screen()).not.toContain('[#general]');
  });

  it('keeps the screen while the server is down and resumes without losing or repeating messages', async () => {
    const dataDir = tempDir();
    let srv = await server(dataDir);
    const port = srv.port;
    const url = srv.url;
    const pair = await signup(url, { username: 'alice', password: 'correct-horse-1', nickname: 'alice', invite: srv.firstRunInvite! });
    const config = path.join(tempDir(), 'od');
    putSession(config, 'local', { url, refreshToken: pair.refreshToken });

    const bob = await bot(url, 'bob');
    const { room } = await bob.request('room.create', { name: 'general' });
    await bob.request('message.send', { roomId: room.id, text: 'before the outage', nonce: 'n0' });
    bob.close();

    const term = terminal();
    term.start({ OD_CONFIG_DIR: config }, []);
    await term.waitForText(/ live /);
    // Alice is not in bob's room yet: she joins it, and its history comes up.
    await term.join('general');
    await term.waitForText(/bob before the outage/);

    await srv.close();
    await term.waitForText(/offline — retry in \d+s/);
    await term.waitForText('bob before the outage'); // the screen stays

    srv = await server(dataDir, port);
    const bob2 = await connect(url, { username: 'bob', password: 'bot-password-1' });
    cleanups.push(() => bob2.close());
    for (const n of [1, 2, 3]) await bob2.request('message.send', { roomId: room.id, text: `while you were away ${n}`, nonce: `w${n}` });

    const s = await term.waitFor((x) => x.includes('while you were away 3') && / live /.test(x), 'resume to live', 30_000);
    expect(count(s, 'before the outage')).toBe(1);
    for (const n of [1, 2, 3]) expect(count(s, `while you were away ${n}`)).toBe(1);
    expect(s.indexOf('while you were away 1')).toBeLessThan(s.indexOf('while you were away 2'));
    expect(s.indexOf('while you were away 2')).toBeLessThan(s.indexOf('while you were away 3'));

    // And sending works again on the resumed connection.
    term.line('back again');
    await term.waitForText(/alice back again\s*\n/);
    // The rotated refresh token was saved: a later login works from the file alone.
    expect(JSON.parse(fs.readFileSync(sessionsPath(config), 'utf8')).servers.local.refreshToken).not.toBe(pair.refreshToken);
  });
});
