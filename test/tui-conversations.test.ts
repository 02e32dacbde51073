import { startServer } from '@open-discord/server';
import { describe, it } from 'vitest';
import { hasTmux, testScope } from './tui-support.js';

/*
 * Conversations end to end, in two real terminals: a thread opened from selection mode with a reply in it,
 * a reaction, a direct message, and a jump to a search hit.
 */

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-conversations: tmux is not installed; skipping the real-terminal tests');

const { cleanups, tempDir, member } = testScope();

describe.skipIf(tmuxMissing)('conversations in a real terminal', () => {
  it('a thread reply, a reaction, a direct message and a search hit, as two people see them', async () => {
    const srv = await startServer({ dataDir: tempDir(), port: 0, registration: 'open', bcryptCost: 4, log: () => {} });
    cleanups.push(() => srv.close());
    // Both land in #general (the default room of a fresh community).
    const alice = await member(srv, 'alice', srv.firstRunInvite!);
    const bob = await member(srv, 'bob');
    await alice.waitForText(/ live .*alice/);
    await bob.waitForText(/ live .*bob/);

    bob.line('lunch at the noodle place?');
    await alice.waitForText('lunch at the noodle place?');
    alice.line('an older line about the harbour ferry');
    await bob.waitForText('an older line about the harbour ferry');

    // Selection mode (Alt+S starts on the newest message), one up to bob's, r opens its thread.
    alice.keys('M-s');
    alice.keys('k');
    alice.keys('r');
    await alice.waitForText(/thread/i);
    alice.line('yes, noon works');
    await alice.waitForText('yes, noon works');
    // Bob sees the summary under his message; the reply itself stays in the thread.
    await bob.waitForText(/↳ 1 reply/);
    alice.keys('Escape');
    await alice.waitFor((s) => !s.includes('yes, noon works') && s.includes('↳ 1 reply'), 'the thread pane to close');

    // A reaction from selection mode: + puts /react in the input line.
    alice.keys('M-s');
    alice.keys('k');
    alice.keys('+');
    await alice.waitForText(/\[#general\] \/react/);
    alice.type(':tada:');
    alice.keys('Enter');
    await bob.waitForText('🎉 1');

    // A direct message: bob's list gets a section for it; he goes there and reads it.
    alice.line('/msg @bob are you coming to the standup?');
    await bob.waitForText(/direct messages/i);
    bob.keys('C-k');
    bob.type('alice');
    bob.keys('Enter');
    await bob.waitForText('are you coming to the standup?');

    // Search from the direct chat, and Enter on the hit jumps to it in #general, marked.
    alice.line('/search noodle');
    await alice.waitForText(/lunch at the .*noodle.* place\?/);
    alice.keys('Enter');
    await alice.waitForText('search hit');
    await alice.waitForText(/\[#general\]/);
    await alice.waitForText('lunch at the noodle place?');
  });
});
