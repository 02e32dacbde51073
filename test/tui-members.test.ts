import { startServer } from '@open-discord/server';
import { describe, it } from 'vitest';
import { hasTmux, testScope } from './tui-support.js';

/* The member list beside the chat in a real terminal: presence and status text change while it is open. */

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-members: tmux is not installed; skipping the real-terminal tests');

const { cleanups, tempDir, member } = testScope();

describe.skipIf(tmuxMissing)('the member list in a real terminal', () => {
  it('bob keeps it open beside the chat and sees alice go away and set a status', async () => {
    const srv = await startServer({ dataDir: tempDir(), port: 0, registration: 'open', bcryptCost: 4, log: () => {} });
    cleanups.push(() => srv.close());
    const alice = await member(srv, 'alice', srv.firstRunInvite!);
    const bob = await member(srv, 'bob');
    await alice.waitForText(/ live .*alice/);
    await bob.waitForText(/ live .*bob/);

    bob.keys('M-m');
    await bob.waitForText('members of #general (2)');
    await bob.waitForText('Online — 2');
    // Beside the chat: what is said still shows.
    alice.line('hello bob');
    await bob.waitForText('hello bob');

    alice.line('/away');
    await bob.waitForText('Away — 1');
    await bob.waitForText('◐ alice');
    alice.line('/status at lunch');
    await bob.waitForText('at lunch');

    bob.keys('M-m');
    await bob.waitFor((s) => !s.includes('members of #general'), 'the list to close');
  });
});
