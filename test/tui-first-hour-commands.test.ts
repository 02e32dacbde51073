import { connect, signup } from '@open-discord/protocol';
import { DEFAULTS, startServer } from '@open-discord/server';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_SERVER } from '../packages/tui/src/config/default-server.js';
import { hasTmux, testScope } from './tui-support.js';

/*
 * The first hour's rough edges, in real terminals: a category name with spaces used through quotes and Tab,
 * a nick change told as a line in the room, a destructive command that asks first, and a kicked member told
 * why their session ended.
 */

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-first-hour: tmux is not installed; skipping the real-terminal tests');

const { cleanups, tempDir, member } = testScope();


/** The sidebar: the first 24 columns of every row. */
const sidebar = (screen: string) =>
  screen
    .split('\n')
    .map((l) => l.slice(0, 24).trimEnd())
    .filter(Boolean)
    .join('|');

describe('the first hour', () => {
  it('the login form offers the server od-server starts by default', () => {
    expect(DEFAULT_LOCAL_SERVER).toBe(`http://${DEFAULTS.host}:${DEFAULTS.port}`);
  });
});

describe.skipIf(tmuxMissing)('the first hour in a real terminal', () => {
  it('quotes a category with spaces, tells a nick change in the room, asks before a ban, and tells a kicked member why', async () => {
    const srv = await startServer({ dataDir: tempDir(), port: 0, registration: 'open', bcryptCost: 4, log: () => {} });
    cleanups.push(() => srv.close());

    const alice = await member(srv, 'alice', srv.firstRunInvite!);
    const bob = await connect(srv.url, { username: 'bob', password: 'correct-horse-1' }).catch(async () => {
      await signup(srv.url, { username: 'bob', password: 'correct-horse-1', nickname: 'bob' });
      return connect(srv.url, { username: 'bob', password: 'correct-horse-1' });
    });
    cleanups.push(() => bob.close());
    // The room may exist already (a server that creates #general on first start).
    await bob.request('room.create', { name: 'general' }).catch(() => {});
    await alice.waitForText(/ live .*alice/);
    await alice.waitForText('[#general]');

    // A category name with spaces: created, completed by Tab with its quotes, renamed and deleted.
    alice.line('/category create Side Projects');
    await alice.waitFor((s) => sidebar(s).includes('SIDE PROJECTS'), 'the category in the sidebar');
    alice.type('/category rename Si');
    alice.keys('Tab');
    await alice.waitForText(/\[#general\] \/category rename "Side Projects"\s*$/m);
    alice.line('Projects');
    await alice.waitFor((s) => sidebar(s).includes('PROJECTS') && !sidebar(s).includes('SIDE PROJECTS'), 'the category renamed');
    alice.line('/category create "Old Stuff"');
    await alice.waitFor((s) => sidebar(s).includes('OLD STUFF'), 'a second category');
    alice.line('/category delete "Old Stuff"');
    await alice.waitFor((s) => !sidebar(s).includes('OLD STUFF'), 'the quoted category deleted');

    // Bob changes his nickname: a dimmed line in the room says so.
    await bob.request('nick.set', { nickname: 'bobby' });
    await alice.waitForText(/\d\d:\d\d -!- bob is now known as bobby/);

    // A ban asks first: Enter (the default, No) changes nothing; y bans.
    alice.line('/ban bobby');
    await alice.waitForText('Ban bobby? They are removed and cannot come back until unbanned.');
    alice.keys('Enter');
    await alice.waitForText('cancelled: nothing was changed');
    alice.line('/ban bobby');
    await alice.waitForText('Ban bobby?');
    alice.type('y');
    await alice.waitForText('/ban: bobby is banned');
    await alice.waitForText(/-!- bobby was banned by alice/);

    // A kicked member's od ends with the reason (close code 4410), not "session expired".
    const carol = await member(srv, 'carol');
    await carol.waitForText(/ live .*carol/);
    alice.line('/kick carol');
    await alice.waitForText(/-!- carol was removed from the server by alice/);
    await carol.waitFor(() => carol.exitStatus() !== null, 'od to exit');
    expect(carol.exitStatus()).toBe(4);
    expect(carol.screenWithHistory()).toContain('od: removed from the server: to rejoin, get a new invite');
  });
});
