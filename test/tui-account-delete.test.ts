import { connect, signup } from '@open-discord/protocol';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSessions, putSession } from '../packages/tui/src/config/sessions.js';
import { hasTmux, testScope } from './tui-support.js';

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-account-delete: tmux is not installed; skipping the real-terminal test');

const { tempDir, server, terminal, bot } = testScope();

/*
 * `/account delete` in a real terminal: the form asks for the password (never drawn), the server deletes the
 * account, od says so, and everyone else sees the person go; the old password no longer logs in.
 */
describe.skipIf(tmuxMissing)('/account delete in od', () => {
  it('deletes the account after the password; the other side sees it go and the password stops working', async () => {
    const srv = await server(tempDir());
    const bob = await bot(srv.url, 'bob');
    const pair = await signup(srv.url, { username: 'ada', password: 'correct-horse-1', nickname: 'ada' });
    // A DM from Bob, so Ada's screen has something of hers to lose, and Bob something to watch go.
    const { room: dm } = await bob.request('dm.open', { userId: pair.user.id });
    await bob.request('message.send', { roomId: dm.id, text: 'ada, a word in private 8c1d', nonce: 'b1' });

    const config = path.join(tempDir(), 'od');
    putSession(config, 'local', { url: srv.url, refreshToken: pair.refreshToken });
    const term = terminal(120, 40);
    term.start({ OD_CONFIG_DIR: config, OD_NOTIFY: 'bell' }, []);
    await term.waitForText(/ live .*ada/);

    // Bob's side: the DM goes with the account, and Ada leaves the server.
    const seen = new Set<string>();
    const gone = new Promise<void>((resolve) => {
      bob.on('event', (e) => {
        if (e.type === 'room.deleted' && e.data.roomId === dm.id) seen.add('dm');
        if (e.type === 'user.removed' && e.data.userId === pair.user.id && e.data.reason === 'deleted') seen.add('ada');
        if (seen.size === 2) resolve();
      });
    });

    term.line('/account delete erase');
    await term.waitForText('Delete your account');
    expect(term.screen()).toContain('This cannot be undone');
    term.line('not-my-password');
    await term.waitForText('wrong password');
    term.line('correct-horse-1');
    // The server closes the connection right after answering: od leaves the chat and says what happened.
    await term.waitFor(() => term.exitStatus() !== null, 'od to exit');
    expect(term.exitStatus()).toBe(0);
    const said = term.screenWithHistory();
    expect(said).toContain('your account was deleted; your messages in shared rooms were erased');
    expect(said).toContain('od forgot its saved session');
    expect(said).not.toContain('correct-horse-1');
    // The saved session is gone: the next `od` asks to log in.
    expect(loadSessions(config).servers).toEqual({});

    await gone;
    // Nobody logs in with the old name and password any more.
    await expect(connect(srv.url, { username: 'ada', password: 'correct-horse-1' })).rejects.toThrow();
  });
});
