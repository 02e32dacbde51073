import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHashtags, type StateResult, uploadFile } from '@open-discord/protocol';
import { Harness, liveEvent, makeOwner, member, refused } from './community-support.js';
import { boardOfThree, comment, type Frame, nonce, post } from './forum-support.js';

/*
 * Forum boards end to end over real sockets: a board is a room of kind `forum`; posts carry a title and the
 * hashtags the server parsed; comments are thread replies; authors edit and delete their own, moderators
 * lock and pin; bookmarks and follows are private; profiles show posts from boards the viewer can see only.
 */

const h = new Harness();
afterEach(() => h.release());

const setup = () => boardOfThree(h);
const titles = (posts: Frame[]) => posts.map((p) => p.title);

describe('hashtags', () => {
  it('are parsed with letters of any script, lower-cased, distinct, and not inside words', () => {
    expect(parseHashtags('Rust in #Rust and #rust, #日本語 #Café #x_1 C# a#b #123 ##dup')).toEqual(['rust', '日本語', 'café', 'x_1', 'dup']);
    expect(parseHashtags('(#Ünïcode) #ｆｕｌｌ')).toEqual(['ünïcode', 'full']);
  });
});

describe('forum boards', () => {
  it('a board is a community room: created with kind forum, placed in a category, listed in state', async () => {
    const { a, b, board } = await setup();
    const { category } = await a.call('category.create', { name: 'Boards' });
    await a.call('room.move', { roomId: board, categoryId: category.id, position: 0 });
    const state = (await b.call('state')) as StateResult;
    expect(state.rooms.find((r) => r.id === board)).toMatchObject({ kind: 'forum', categoryId: category.id });
    // Only text and forum are created with room.create; chats come from dm.open and group.create.
    expect((await refused(a, 'room.create', { name: 'x', kind: 'dm' })).code).toBe('BAD_REQUEST');
  });

  it('posts carry title and tags, comments count and move the latest sort, tags filter, plain messages are refused', async () => {
    const { a, b, c, board } = await setup();
    const first = await post(a, board, 'Rust async #Rust', 'how do I #learn it? #日本語');
    expect(first).toMatchObject({ title: 'Rust async #Rust', tags: ['rust', 'learn', '日本語'], comments: 0, locked: false, pinned: false });
    const live = await liveEvent(b, (e) => e.type === 'post.created');
    expect(live.data.post.id).toBe(first.id);
    const second = await post(b, board, 'Gardening', 'tomatoes #garden');
    // The body is the root message's text: history and threads see it like any message.
    const { messages } = await c.call('history', { roomId: board });
    expect(messages.map((m: Frame) => m.text)).toEqual(['how do I #learn it? #日本語', 'tomatoes #garden']);

    // A comment is a thread reply; the first post becomes the most recently active.
    const reply = await comment(c, board, first.id, 'start with the book');
    let page = await b.call('post.list', { roomId: board });
    expect(titles(page.posts)).toEqual(['Rust async #Rust', 'Gardening']);
    expect(page.posts[0]).toMatchObject({ comments: 1, lastOrder: reply.order });
    page = await b.call('post.list', { roomId: board, sort: 'newest' });
    expect(titles(page.posts)).toEqual(['Gardening', 'Rust async #Rust']);
    // Paging: one at a time, the cursor is the sort's order.
    const p1 = await b.call('post.list', { roomId: board, limit: 1 });
    expect(p1.end).toBe(false);
    const p2 = await b.call('post.list', { roomId: board, limit: 1, before: p1.posts[0].lastOrder });
    expect(titles(p2.posts)).toEqual(['Gardening']);
    expect(p2.end).toBe(true);

    expect(titles((await b.call('post.list', { roomId: board, tag: '#GARDEN' })).posts)).toEqual(['Gardening']);
    expect(titles((await b.call('post.tagged', { tag: '日本語' })).posts)).toEqual(['Rust async #Rust']);
    expect((await refused(b, 'post.tagged', { tag: '#!!' })).code).toBe('BAD_REQUEST');

    // A board takes posts and comments only.
    expect((await refused(b, 'message.send', { roomId: board, text: 'hi', nonce: nonce() })).code).toBe('BAD_REQUEST');
    // A post's idempotent retry answers with the same post.
    const again = await b.call('post.create', { roomId: board, title: 'x', text: '', nonce: 'same' });
    const retry = await b.call('post.create', { roomId: board, title: 'x', text: '', nonce: 'same' });
    expect(retry.post.id).toBe(again.post.id);
    // A nonce already spent on a comment is not a post's.
    const spent = await b.call('message.send', { roomId: board, text: 'c', nonce: 'spent', threadId: first.id });
    expect(spent.message.threadId).toBe(first.id);
    expect((await refused(b, 'post.create', { roomId: board, title: 'y', text: '', nonce: 'spent' })).code).toBe('BAD_REQUEST');
    // A text room takes no posts.
    const { room: lobby } = await a.call('room.create', { name: 'lobby' });
    expect((await refused(a, 'post.create', { roomId: lobby.id, title: 't', text: '', nonce: nonce() })).code).toBe('BAD_REQUEST');
    void second;
  });

  it('authors edit and delete their own posts; moderators lock and pin', async () => {
    const { a, b, c, board } = await setup();
    const mine = await post(b, board, 'Draft #one', 'body');
    const other = await post(c, board, 'Other');
    expect((await refused(c, 'post.edit', { postId: mine.id, title: 'hijack' })).code).toBe('FORBIDDEN');
    const edited = await b.call('post.edit', { postId: mine.id, title: 'Final', text: 'body #two' });
    expect(edited.post).toMatchObject({ title: 'Final', tags: ['two'] });
    const ev = await liveEvent(c, (e) => e.type === 'post.updated');
    expect(ev.data.post.title).toBe('Final');
    expect((await c.call('post.tagged', { tag: 'one' })).posts).toEqual([]);
    expect(titles((await c.call('post.tagged', { tag: 'two' })).posts)).toEqual(['Final']);
    // Editing the body as a message (od's /edit) parses the tags again too.
    await b.call('message.edit', { messageId: mine.id, text: 'body #three' });
    expect((await c.call('post.get', { postId: mine.id })).post.tags).toEqual(['three']);
    expect((await c.call('post.tagged', { tag: 'two' })).posts).toEqual([]);

    // Lock and pin need moderate_messages.
    expect((await refused(b, 'post.moderate', { postId: other.id, locked: true })).code).toBe('FORBIDDEN');
    await a.call('post.moderate', { postId: mine.id, locked: true, pinned: true });
    expect((await refused(c, 'message.send', { roomId: board, text: 'late', nonce: nonce(), threadId: mine.id })).code).toBe('FORBIDDEN');
    await comment(a, board, mine.id, 'moderators may still comment');
    const page = await c.call('post.list', { roomId: board });
    expect(titles(page.pinned)).toEqual(['Final']);
    expect(titles(page.posts)).toEqual(['Other']);
    // A later page carries no pinned posts again.
    expect((await c.call('post.list', { roomId: board, before: page.posts[0].lastOrder })).pinned).toEqual([]);

    // Deleting a post is deleting its root message (author or moderator); it leaves the board and its tags.
    expect((await refused(c, 'message.delete', { messageId: mine.id })).code).toBe('FORBIDDEN');
    await b.call('message.delete', { messageId: mine.id });
    expect(titles((await c.call('post.list', { roomId: board })).pinned)).toEqual([]);
    expect((await c.call('post.tagged', { tag: 'two' })).posts).toEqual([]);
    expect((await refused(c, 'post.get', { postId: mine.id })).code).toBe('NOT_FOUND');
  });

  it('bookmarks are private; following people tells the two only and feeds their posts', async () => {
    const { members, a, b, c, board } = await setup();
    const [, bob, carol] = members;
    const p = await post(b, board, 'Worth keeping');
    await c.call('bookmark.add', { postId: p.id });
    await c.call('bookmark.add', { postId: p.id });
    const added = await liveEvent(c, (e) => e.type === 'bookmark.added');
    expect(added.data).toEqual({ roomId: board, postId: p.id });
    expect(titles((await c.call('bookmark.list', {})).posts)).toEqual(['Worth keeping']);
    expect((await b.call('bookmark.list', {})).posts).toEqual([]);

    await c.call('user.follow', { userId: bob!.id });
    const toBob = await liveEvent(b, (e) => e.type === 'user.followed');
    expect(toBob.data).toEqual({ followerId: carol!.id, followeeId: bob!.id });
    await post(b, board, 'Fresh from bob');
    expect(titles((await c.call('feed.following', {})).posts)).toEqual(['Fresh from bob', 'Worth keeping']);
    expect((await a.call('feed.following', {})).posts).toEqual([]);
    // Alice saw none of it.
    const { events } = await a.call('sync', { after: 0 });
    expect(events.some((e: Frame) => e.type.startsWith('bookmark.') || e.type.startsWith('user.follow'))).toBe(false);

    // Who follows whom: the two see it, others only once bob shows it.
    expect((await b.call('profile.get', { userId: bob!.id })).profile.followers).toEqual([carol!.id]);
    expect((await a.call('profile.get', { userId: bob!.id })).profile.followers).toBeUndefined();
    expect((await c.call('profile.get', { userId: bob!.id })).profile.followedByMe).toBe(true);
    await b.call('profile.set', { showFollows: true, bio: 'I grow tomatoes' });
    const shown = (await a.call('profile.get', { userId: bob!.id })).profile;
    expect(shown).toMatchObject({ bio: 'I grow tomatoes', followers: [carol!.id], following: [], showFollows: true });
    expect(titles(shown.recentPosts)).toEqual(['Fresh from bob', 'Worth keeping']);

    expect((await refused(c, 'user.follow', { userId: carol!.id })).code).toBe('BAD_REQUEST');
    expect((await refused(c, 'user.follow', { userId: 'nobody' })).code).toBe('NOT_FOUND');
    await c.call('user.unfollow', { userId: bob!.id });
    expect((await c.call('feed.following', {})).posts).toEqual([]);
    await c.call('bookmark.remove', { postId: p.id });
    expect((await c.call('bookmark.list', {})).posts).toEqual([]);
  });

  it('a profile avatar is an image its owner uploaded', async () => {
    const { server, members, a, b } = await setup();
    const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3366ff' } }).png().toBuffer();
    const file = await uploadFile(server.url, members[1]!.token, { name: 'me.png', size: bytes.byteLength, body: bytes });
    expect((await refused(a, 'profile.set', { avatarFileId: file.id })).code).toBe('BAD_REQUEST');
    const { profile } = await b.call('profile.set', { avatarFileId: file.id });
    expect(profile.avatar).toMatchObject({ id: file.id, mime: 'image/png' });
    const ev = await liveEvent(a, (e) => e.type === 'profile.updated');
    expect(ev.data.avatar.id).toBe(file.id);
    // Others fetch the current avatar (and its thumbnail), though no message of a room they see carries it.
    const fetchAs = (token: string, thumb = false) =>
      fetch(`${server.url}/api/files/${file.id}${thumb ? '/thumb' : ''}`, { headers: { authorization: `Bearer ${token}` } });
    const got = await fetchAs(members[0]!.token);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await fetchAs(members[2]!.token, true)).status).toBe(200);
    expect((await b.call('profile.set', { avatarFileId: null })).profile.avatar).toBeUndefined();
    // Once replaced, it is the uploader's unsent file again: others get the same answer as for a missing id.
    const after = await fetchAs(members[0]!.token);
    expect(after.status).toBe(404);
    await after.arrayBuffer();
    expect((await fetchAs(members[1]!.token)).status).toBe(200);
  });

  it('a board hidden from a user never shows: lists, tags, feed, bookmarks, profiles and errors', async () => {
    const { members, a, b, c, board } = await setup();
    const [, bob, carol] = members;
    const { role } = await a.call('role.create', { name: 'staff' });
    await a.call('role.grant', { userId: bob!.id, roleId: role.id });
    const { room: secret } = await a.call('room.create', { name: 'staff-board', kind: 'forum', restrictedTo: [role.id] });
    await b.call('room.join', { roomId: secret.id });
    const open = await post(b, board, 'Public #news');
    const hidden = await post(b, secret.id, 'Secret #news');
    await c.call('user.follow', { userId: bob!.id });
    await c.call('bookmark.add', { postId: open.id });

    const missing = await refused(c, 'post.list', { roomId: 'no-such-room' });
    expect(await refused(c, 'post.list', { roomId: secret.id })).toEqual(missing);
    expect(await refused(c, 'post.get', { postId: hidden.id })).toEqual(await refused(c, 'post.get', { postId: 'no-such-post' }));
    expect(await refused(c, 'bookmark.add', { postId: hidden.id })).toEqual(await refused(c, 'bookmark.add', { postId: 'no-such-post' }));
    expect(titles((await c.call('post.tagged', { tag: 'news' })).posts)).toEqual(['Public #news']);
    expect(titles((await b.call('post.tagged', { tag: 'news' })).posts)).toEqual(['Secret #news', 'Public #news']);
    expect(titles((await c.call('feed.following', {})).posts)).toEqual(['Public #news']);
    expect(titles((await c.call('profile.get', { userId: bob!.id })).profile.recentPosts)).toEqual(['Public #news']);
    // Carol received nothing of the hidden board.
    const { events } = await c.call('sync', { after: 0 });
    expect(JSON.stringify(events)).not.toContain(secret.id);

    // Losing access to a board takes its posts out of the bookmarks too.
    await a.call('room.restrict', { roomId: board, roleIds: [role.id] });
    expect((await c.call('bookmark.list', {})).posts).toEqual([]);
    expect((await c.call('feed.following', {})).posts).toEqual([]);
    expect((await c.call('post.tagged', { tag: 'news' })).posts).toEqual([]);
    void carol;
  });

  it("a board's slowmode holds for posts as for comments", async () => {
    let now = 1_700_000_000_000;
    const server = await h.server({ now: () => now });
    const owner = await member(server.url, 'owner');
    const bob = await member(server.url, 'bob');
    await makeOwner(server, owner.id);
    const o = await h.connect(server.url, owner.token);
    const b = await h.connect(server.url, bob.token);
    const { room } = await o.call('room.create', { name: 'slow', kind: 'forum' });
    await b.call('room.join', { roomId: room.id });
    await o.call('room.slowmode', { roomId: room.id, seconds: 60 });
    const first = await post(b, room.id, 'one');
    const err = await b.request('post.create', { roomId: room.id, title: 'two', text: '', nonce: nonce() });
    expect(err.error.code).toBe('RATE_LIMITED');
    expect((await refused(b, 'message.send', { roomId: room.id, text: 'c', nonce: nonce(), threadId: first.id })).code).toBe('RATE_LIMITED');
    await post(o, room.id, 'moderators are exempt');
    now += 61_000;
    await post(b, room.id, 'two');
  });

  it('posts, comments, bookmarks and follows survive a restart', async () => {
    const { server, members, b, c, board } = await setup();
    const p = await post(b, board, 'Durable #keep');
    await comment(c, board, p.id, 'yes');
    await c.call('bookmark.add', { postId: p.id });
    await c.call('user.follow', { userId: members[1]!.id });
    await server.close();
    const again = await h.server({ dataDir: server.dataDir });
    const c2 = await h.connect(again.url, members[2]!.token);
    const page = await c2.call('post.list', { roomId: board });
    expect(page.posts[0]).toMatchObject({ title: 'Durable #keep', tags: ['keep'], comments: 1 });
    expect(titles((await c2.call('bookmark.list', {})).posts)).toEqual(['Durable #keep']);
    expect(titles((await c2.call('feed.following', {})).posts)).toEqual(['Durable #keep']);
  });
});
