import { describe, expect, it } from 'vitest';
import { hasTmux, testScope } from './tui-support.js';

/*
 * Boards and the inbox end to end, in a real terminal: the owner creates a board and writes a post with a
 * hashtag; another user comments over the typed client; the author's status line counts it live, /inbox lists
 * it and Enter opens the post's comments; `/search #tag` finds the post. Then people: `/people` and the profile
 * card, following a person whose next post reaches the inbox, and `/boards`.
 */

const tmuxMissing = !hasTmux();
if (tmuxMissing) console.warn('tui-forum: tmux is not installed; skipping the real-terminal tests');

const { tempDir, server, bot, member } = testScope();

describe.skipIf(tmuxMissing)('boards and the inbox in a real terminal', () => {
  it('create a board, post with a tag, another user comments, the inbox shows it, search by tag finds the post; people, profile card, following, boards', async () => {
    const srv = await server(tempDir());
    const alice = await member(srv, 'alice', srv.firstRunInvite!);
    await alice.waitForText(/ live .*alice/);

    alice.line('/create ideas --kind forum');
    await alice.waitForText('[#ideas]');
    alice.line('/post Rust async #rust');
    await alice.waitForText('type its body');
    alice.line('how do I start with #tokio?');
    await alice.waitForText('posted "Rust async #rust" #rust #tokio');
    await alice.waitForText(/Rust async #rust/);

    // bob joins the board and comments on the post (a reply in its thread).
    const bob = await bot(srv.url, 'bob');
    const state = await bob.request('state', {});
    const board = state.rooms.find((r) => r.name === 'ideas')!;
    await bob.request('room.join', { roomId: board.id });
    const { posts } = await bob.request('post.tagged', { tag: 'rust' });
    expect(posts.map((p) => p.title)).toEqual(['Rust async #rust']);
    await bob.request('message.send', { roomId: board.id, threadId: posts[0]!.id, text: 'start with the tokio tutorial', nonce: 'c1' });

    // The author's status line counts it live; /inbox lists it; Enter opens the post with its comments.
    await alice.waitForText(/ inbox 1 /);
    alice.line('/inbox');
    await alice.waitForText('inbox › 1 unread');
    await alice.waitForText('● bob replied in #ideas "Rust async #rust"');
    await alice.waitForText('start with the tokio tutorial');
    alice.keys('Enter');
    await alice.waitFor((s) => !s.includes('inbox › '), 'the inbox to close');
    await alice.waitForText(/bob start with the tokio tutorial/);
    // Marked read on the server: the counter goes.
    await alice.waitFor((s) => !/ inbox \d+ /.test(s), 'the inbox counter to clear');
    alice.keys('Escape');

    alice.line('/search #rust');
    await alice.waitForText('posts tagged #rust');
    const screen = await alice.waitForText('Rust async #rust');
    expect(screen).toContain('posts tagged #rust');
    alice.keys('Escape');

    // People: /people finds bob, Enter shows his profile card; after /follow @bob his new post reaches
    // alice's inbox (written after the post's commit); /boards lists the board and Enter goes to it.
    await bob.request('profile.set', { bio: 'I test things' });
    alice.line('/people bo');
    await alice.waitForText('people matching "bo"');
    await alice.waitForText(/bob +○ offline|bob +● online/);
    alice.keys('Enter');
    await alice.waitForText('profile of bob');
    await alice.waitForText('you do not follow them · /follow @bob');
    await alice.waitForText('I test things');
    alice.keys('Escape');
    alice.line('/follow @bob');
    await alice.waitForText('following bob');
    await bob.request('post.create', { roomId: board.id, title: 'Tokio tips', text: 'use #tokio', nonce: 'p2' });
    await alice.waitForText(/ inbox 1 /);
    alice.line('/inbox');
    await alice.waitForText('● bob posted in #ideas "Tokio tips"');
    alice.keys('Escape');
    alice.line('/boards');
    await alice.waitForText('boards you can see');
    await alice.waitForText(/#ideas +joined/);
  });
});
