import { connect } from '@open-discord/protocol';
import { startServer } from '@open-discord/server';
import { describe, expect, it } from 'vitest';
import { hasTmux, testScope } from './tui-support.js';

/*
 * Community structure end to end, in real terminals: the owner arranges rooms and gates one behind a role
 * with slash commands; a member's screen loses that room live, and gets it back (with its history) when opened.
 */

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-community: tmux is not installed; skipping the real-terminal tests');

const { cleanups, tempDir, member } = testScope();


/** The sidebar: the first 24 columns of every row. */
const sidebar = (screen: string) =>
  screen
    .split('\n')
    .map((l) => l.slice(0, 24).trimEnd())
    .filter(Boolean);

describe.skipIf(tmuxMissing)('community commands in a real terminal', () => {
  it('the owner gates a room behind a role; a member loses it live and gets it back with its history', async () => {
    const srv = await startServer({ dataDir: tempDir(), port: 0, registration: 'open', bcryptCost: 4, firstRoom: null, log: () => {} });
    cleanups.push(() => srv.close());

    const owner = await member(srv, 'alice', srv.firstRunInvite!);
    // Two rooms to arrange, made by the owner's account before bob's screen starts.
    const setup = await connect(srv.url, { username: 'alice', password: 'correct-horse-1' });
    await setup.request('room.create', { name: 'general' });
    await setup.request('room.create', { name: 'secret' });
    setup.close();
    const bob = await member(srv, 'bob');

    await owner.waitForText(/ live .*alice/);
    await bob.waitForText(/ live .*bob/);
    // Bob is in neither room yet (od lists the rooms one is in): he joins both, #general last so both
    // screens start there.
    await bob.join('secret');
    await bob.join('general');
    await bob.waitForText('#secret');

    // Typing shows on the other screen (both start in #general), and the status line carries a measured lag.
    bob.type('thinking about it');
    await owner.waitForText(/bob is typing… alice\s*$/m);
    bob.keys('C-u');
    await owner.waitForText(/ live \d+(ms|\.\ds) /);

    // Bob sits in #secret when it disappears.
    bob.line('/join secret');
    await bob.waitForText('[#secret]');

    owner.line('/category create Staff');
    await owner.waitForText('/category create: category Staff created');
    owner.line('/room move #secret Staff');
    // Both sidebars show the room under its new category, in the server's order.
    for (const t of [owner, bob]) {
      await t.waitFor((s) => sidebar(s).join('|').includes('#general|STAFF|2 #secret'), 'the room under STAFF');
    }

    owner.line('/role create mods teal');
    await owner.waitForText('/role create: role mods created');
    owner.line('/role grant alice mods');
    await owner.waitForText('/role grant: alice now has the role mods');
    owner.line('/role list');
    await owner.waitForText(/\d+\s+mods\s+#2aa198\s+1/);
    owner.keys('Escape');
    await owner.waitFor((s) => !s.includes('roles, highest first'), 'the role list to close');

    owner.line('/room restrict #secret mods');
    await owner.waitForText('/room restrict: #secret is now visible to mods only');

    // Bob's screen loses the room and moves him to the first room he can still see.
    const lost = await bob.waitForText('#secret is no longer visible to you — now in #general');
    expect(sidebar(lost).join('|')).not.toContain('secret');
    expect(lost).toContain('[#general]');
    // The owner still sees it.
    expect(sidebar(owner.screen()).join('|')).toContain('#secret');

    // Said while only mods could see it: bob must not see it now, and must once the room is open again.
    owner.line('/join secret');
    await owner.waitForText('[#secret]');
    owner.line('for mods only');
    await owner.waitForText(/alice for mods only\s*\n/);
    expect(bob.screen()).not.toContain('for mods only');

    owner.line('/room open #secret');
    await owner.waitForText('/room open: #secret is now visible to everyone');
    await bob.waitForText('now visible: #secret');
    bob.line('/join secret');
    const back = await bob.waitForText(/alice for mods only/);
    expect(back).toContain('[#secret]');
    expect(sidebar(back).join('|')).toContain('STAFF|2 #secret');
  });
});
