import { startServer } from '@open-discord/server';
import { describe, it } from 'vitest';
import { hasTmux, testScope } from './tui-support.js';

/* The member list beside the chat in a real terminal: presence and status text change while it is open. */

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-members: tmux is not installed; skipping the real-terminal tests');

const { cleanups, tempDir, member } = testScope();

describe.skipIf(tmuxMissing)('the member list in a real terminal', () => {
  it('bob keeps it open beside the chat and sees alice go away and set a status', { timeout: 120_000 }, async () => {
    const srv = await startServer({ dataDir: tempDir(), port: 0, registration: 'open', bcryptCost: 4, log: () => {} });
    cleanups.push(() => srv.close());
    const alice = await member(srv, 'alice', srv.firstRunInvite!);
    const bob = await member(srv, 'bob');
    await alice.waitForText(/ live .*alice/, 30_000);
    await bob.waitForText(/ live .*bob/, 30_000);

    // Typed rather than Alt+M (the same action; the key is covered by the keys test): a line cannot be split.
    bob.line('/members');
    await bob.waitForText('members of #general (2)', 30_000);
    await bob.waitForText('Online — 2', 30_000);
    // Beside the chat: what is said still shows.
    alice.line('hello bob');
    await bob.waitForText('hello bob', 30_000);

    alice.line('/away');
    await bob.waitForText('Away — 1', 30_000);
    await bob.waitForText('◐ alice', 30_000);
    alice.line('/status at lunch');
    await bob.waitForText('at lunch', 30_000);

    bob.line('/members');
    await bob.waitFor((s) => !s.includes('members of #general'), 'the list to close', 30_000);
  });
});
