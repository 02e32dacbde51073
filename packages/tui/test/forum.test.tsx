import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent, Post, Profile, Room } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { ALICE, BOB, boot, created, ME, msg, snapshot, T0 } from './fixtures.js';
import { FakeClient } from './fake-client.js';
import { bitmap } from '../src/images/bitmap.js';
import { encodePng } from '../src/images/png.js';
import { fileTransfer } from '../src/files/transfer.js';

afterEach(() => cleanup());

// od and forum boards, driven through the controllers with a hand-driven client: a board on screen is a list
// of posts (loaded when shown, kept current by events), /post writes one, Enter opens its comments, and the
// post lists (bookmarks, feed, tag search, profile card) open posts in their boards.

const board: Room = { id: 'r-ideas', name: 'ideas', topic: '', kind: 'forum', categoryId: null, position: 1, restrictedTo: null };
const base = snapshot();
const withBoard = () => boot({ rooms: [...base.rooms, board], joined: [...base.joined, board.id], readMarkers: { ...base.readMarkers, [board.id]: 20 } });

const post = (order: number, over: Partial<Post> = {}): Post => ({
  id: `p${order}`,
  roomId: board.id,
  authorId: ALICE,
  title: `post ${order}`,
  tags: [],
  createdAt: T0 + order * 1000,
  order,
  lastOrder: order,
  lastAt: T0 + order * 1000,
  comments: 0,
  locked: false,
  pinned: false,
  ...over,
});
const ev = (order: number, e: Pick<ClientEvent, 'type' | 'data'> & { roomId?: string | null }): ClientEvent =>
  ({ order, id: `e${order}`, roomId: e.roomId ?? board.id, actorId: ALICE, createdAt: T0, type: e.type, data: e.data }) as ClientEvent;
const tick = () => new Promise((r) => setImmediate(r));

function od() {
  const client = new FakeClient();
  const store = createStore(withBoard());
  const actions = attachClient(client, store, { onQuit: () => {}, nonce: () => 'n1' });
  const key = (intent: Parameters<typeof handleIntent>[0]) => handleIntent(intent, store, actions, () => {});
  const screen = () => render(<ChatScreen state={store.getState()} now={T0 + 60_000} />).lastFrame()!;
  return { client, store, actions, key, screen };
}

/** Go to the board and answer its first page. */
async function onBoard(o: ReturnType<typeof od>, pinned: Post[], posts: Post[]) {
  o.store.dispatch({ type: 'room/select', roomId: board.id });
  const list = o.client.of('post.list');
  expect(list.at(-1)!.params).toEqual({ roomId: board.id, sort: 'latest' });
  list.at(-1)!.resolve({ pinned, posts, end: true });
  await tick();
}

describe('forum boards in od', () => {
  it('a board lists its posts: title, tags, author, comments, activity, unread mark, pinned first', async () => {
    const o = od();
    await onBoard(o, [post(5, { title: 'Rules', pinned: true, locked: true })], [post(30, { title: 'Rust async', tags: ['rust', '日本語'], comments: 2, authorId: BOB }), post(12, { title: 'Old news' })]);
    const frame = o.screen();
    expect(frame).toContain('board #ideas · latest activity');
    const lines = frame.split('\n');
    const at = (t: string) => lines.findIndex((l) => l.includes(t));
    expect(at('Rules')).toBeLessThan(at('Rust async'));
    expect(at('Rust async')).toBeLessThan(at('Old news'));
    expect(lines[at('Rust async')]).toContain('● ');
    expect(lines[at('Rust async')]).toContain('#rust #日本語');
    expect(lines[at('Rust async') + 1]).toContain('bob · 2 comments · just now');
    // Read up to 20: the older post has no unread mark.
    expect(lines[at('Old news')]).not.toContain('●');
    expect(lines[at('Rules')]).toContain('📌🔒');
  });

  it('follows events: a new post, a comment moving a post up, an edit, a deleted post', async () => {
    const o = od();
    await onBoard(o, [], [post(30, { title: 'first' }), post(25, { title: 'second' })]);
    o.store.dispatch({ type: 'event', event: ev(40, { type: 'post.created', data: { post: post(40, { title: 'brand new' }) } }) });
    o.store.dispatch({ type: 'event', event: created(msg(41, { roomId: board.id, threadId: 'p25', text: 'a comment' })) });
    let titles = (() => {
      const b = o.store.getState().forum.boards[board.id]!;
      return b.posts.map((p) => `${p.title}:${p.comments}`);
    })();
    expect(titles).toEqual(['second:1', 'brand new:0', 'first:0']);
    o.store.dispatch({ type: 'event', event: ev(42, { type: 'post.updated', data: { post: post(30, { title: 'first, edited' }) } }) });
    o.store.dispatch({ type: 'event', event: ev(43, { type: 'message.deleted', data: { messageId: 'p40', roomId: board.id } }) });
    titles = o.store.getState().forum.boards[board.id]!.posts.map((p) => p.title);
    expect(titles).toEqual(['second', 'first, edited']);
    // The comment deleted: the server's recount of the thread is the post's count.
    o.store.dispatch({ type: 'event', event: ev(44, { type: 'thread.updated', data: { roomId: board.id, threadId: 'p25', thread: { count: 0, lastAt: 0, lastOrder: 0, lastAuthorIds: [] } } }) });
    expect(o.store.getState().forum.boards[board.id]!.posts[0]).toMatchObject({ title: 'second', comments: 0 });
  });

  it('/create NAME --kind forum creates a board', () => {
    const o = od();
    o.actions.submit('/create ideas2 --kind forum');
    expect(o.client.of('room.create').map((r) => r.params)).toEqual([{ name: 'ideas2', kind: 'forum' }]);
  });

  it('/post TITLE then the body sends post.create; Esc gives a post up; a plain room refuses /post', async () => {
    const o = od();
    o.actions.submit('/post Hello');
    expect(o.store.getState().flash?.text).toContain('go to a board first');
    await onBoard(o, [], []);
    expect(o.screen()).toContain('no posts yet: /post TITLE writes one');
    o.actions.submit('/post Rust in #2025');
    expect(o.screen()).toContain('[post "Rust in #2025" — body]');
    o.actions.submit('how do I start? #rust');
    const sent = o.client.of('post.create');
    expect(sent.map((r) => r.params)).toEqual([{ roomId: board.id, title: 'Rust in #2025', text: 'how do I start? #rust', nonce: 'n1' }]);
    expect(o.store.getState().forum.composer).toBeNull();
    sent[0]!.resolve({ post: post(50, { title: 'Rust in #2025', tags: ['rust'] }) });
    await tick();
    expect(o.store.getState().flash?.text).toBe('posted "Rust in #2025" #rust');

    o.actions.submit('/post Never mind');
    o.key({ kind: 'close' });
    expect(o.store.getState().forum.composer).toBeNull();
    expect(o.store.getState().flash?.text).toContain('not written');
  });

  it('choosing the last post shown loads the next page once', async () => {
    const o = od();
    o.store.dispatch({ type: 'room/select', roomId: board.id });
    o.client.of('post.list')[0]!.resolve({ pinned: [], posts: [post(30, { title: 'first' }), post(25, { lastOrder: 27, title: 'second' })], end: false });
    await tick();
    o.key({ kind: 'history', delta: 1 });
    o.key({ kind: 'history', delta: 1 });
    const more = o.client.of('post.list');
    expect(more.map((r) => r.params)).toEqual([{ roomId: board.id, sort: 'latest' }, { roomId: board.id, sort: 'latest', before: 27 }]);
    more[1]!.resolve({ posts: [post(20, { title: 'third' })], end: true });
    await tick();
    expect(o.store.getState().forum.boards[board.id]!.posts.map((p) => p.title)).toEqual(['first', 'second', 'third']);
    o.key({ kind: 'history', delta: 1 });
    expect(o.client.of('post.list')).toHaveLength(2);
  });

  it('Up/Down choose a post, Enter opens its comments; /sort and /tag load the board again', async () => {
    const o = od();
    await onBoard(o, [], [post(30, { title: 'first' }), post(25, { title: 'second' })]);
    o.key({ kind: 'history', delta: 1 });
    o.key({ kind: 'submit' });
    expect(o.client.of('thread.history').map((r) => r.params)).toEqual([{ roomId: board.id, threadId: 'p25', limit: 100 }]);
    expect(o.store.getState().thread?.rootId).toBe('p25');
    o.actions.submit('/bookmark');
    expect(o.client.of('bookmark.add').map((r) => r.params)).toEqual([{ postId: 'p25' }]);
    // The open post: retitled by its author, locked and pinned by a moderator (the server decides who may).
    o.actions.submit('/retitle Second, better #ideas');
    expect(o.client.of('post.edit').map((r) => r.params)).toEqual([{ postId: 'p25', title: 'Second, better #ideas' }]);
    o.actions.submit('/lock');
    o.actions.submit('/pin');
    o.actions.submit('/unpin');
    o.actions.submit('/unlock');
    expect(o.client.of('post.moderate').map((r) => r.params)).toEqual([
      { postId: 'p25', locked: true },
      { postId: 'p25', pinned: true },
      { postId: 'p25', pinned: false },
      { postId: 'p25', locked: false },
    ]);
    o.client.of('post.moderate')[0]!.reject(Object.assign(new Error('you lack moderate_messages'), { code: 'FORBIDDEN' }));
    await tick();
    expect(o.screen()).toContain('/lock:');
    o.key({ kind: 'close' });

    o.actions.submit('/sort newest');
    expect(o.client.of('post.list').at(-1)!.params).toEqual({ roomId: board.id, sort: 'newest' });
    o.actions.submit('/tag #Rust');
    expect(o.client.of('post.list').at(-1)!.params).toEqual({ roomId: board.id, sort: 'newest', tag: 'rust' });
    o.client.of('post.list').at(-1)!.resolve({ pinned: [], posts: [post(30, { tags: ['rust'] })], end: true });
    await tick();
    expect(o.screen()).toContain('board #ideas · newest · #rust');
  });

  it('/follow @nick follows a person, /search #tag, /bookmarks and /whois list posts that open in their board', async () => {
    const o = od();
    o.actions.submit('/follow @bob');
    expect(o.client.of('user.follow').map((r) => r.params)).toEqual([{ userId: BOB }]);
    o.actions.submit('/search #Rust');
    expect(o.client.of('post.tagged').map((r) => r.params)).toEqual([{ tag: 'rust' }]);
    expect(o.client.of('search')).toEqual([]);
    o.client.of('post.tagged')[0]!.resolve({ posts: [post(30, { title: 'Rust async', tags: ['rust'] })], end: true });
    await tick();
    expect(o.screen()).toContain('posts tagged #rust');
    expect(o.screen()).toContain('#ideas · 0 comments');
    o.key({ kind: 'submit' });
    expect(o.store.getState().currentRoomId).toBe(board.id);
    expect(o.store.getState().overlay).toBeNull();
    expect(o.store.getState().thread?.rootId).toBe('p30');
    o.key({ kind: 'close' });

    o.actions.submit('/whois @bob');
    const profile: Profile = {
      user: { id: BOB, nickname: 'bob', color: null, roles: [] },
      bio: 'I grow tomatoes',
      showFollows: true,
      followers: [ME],
      following: [],
      followedByMe: true,
      recentPosts: [post(31, { title: 'Tomatoes', authorId: BOB })],
    };
    o.client.of('profile.get')[0]!.resolve({ profile });
    await tick();
    const card = o.screen();
    expect(card).toContain('profile of bob');
    // No picture: the initials in a box beside the name, presence, how I stand to bob, follows, bio.
    expect(card).toMatch(/│ BO │\s+○ offline/);
    expect(card).toContain('you follow them · /unfollow @bob');
    expect(card).toContain('1 follower: me');
    expect(card).toContain('follows 0');
    expect(card).toContain('I grow tomatoes');
    expect(card).toContain('recent posts in boards you can see:');
    expect(card).toContain('Tomatoes');
    o.key({ kind: 'close' });
    o.actions.submit('/bookmarks');
    expect(o.client.of('bookmark.list')).toHaveLength(1);
  });

  it('the profile card: its picture larger than its preview, from the thumbnail, beside the text; follows kept private; p on a selected message', async () => {
    const client = new FakeClient();
    const asked: string[] = [];
    // A 64×64 thumbnail: red left half, blue right half.
    const px = new Uint8Array(64 * 64 * 3);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) px.set(x < 32 ? [255, 0, 0] : [0, 0, 255], 3 * (y * 64 + x));
    const png = encodePng(bitmap(64, 64, px)!);
    const files = { ...fileTransfer('http://127.0.0.1:1', { getAccessToken: async () => '' }), thumbnail: async (id: string) => (asked.push(id), png) };
    const store = createStore(withBoard());
    store.dispatch({ type: 'images/mode', mode: 'blocks' });
    const actions = attachClient(client, store, { onQuit: () => {}, nonce: () => 'n1', files });
    const key = (intent: Parameters<typeof handleIntent>[0]) => handleIntent(intent, store, actions, () => {});
    const screen = () => render(<ChatScreen state={store.getState()} now={T0 + 60_000} />).lastFrame()!;
    await tick();

    // Selection mode on #general's newest message (alice's), then p: her profile card is asked for.
    store.dispatch({ type: 'history/loaded', roomId: 'r-gen', messages: [msg(5, { authorId: ALICE, text: 'hello' })], end: true });
    key({ kind: 'select' });
    key({ kind: 'select-profile' });
    expect(store.getState().selection).toBeFalsy();
    const get = client.of('profile.get');
    expect(get.map((r) => r.params)).toEqual([{ userId: ALICE }]);
    const tiny = { width: 4, height: 4, rgb: btoa(String.fromCharCode(...new Array(48).fill(128))) };
    const profile: Profile = {
      user: { id: ALICE, nickname: 'alice', color: null, roles: [], statusText: 'gardening' },
      bio: 'Tomatoes, beans and a very long line about compost that has to wrap beside the picture without being cut',
      avatar: { id: 'f-av', name: 'me.png', mime: 'image/png', size: 2000, width: 64, height: 64, thumb: true, preview: tiny },
      showFollows: false,
      followedByMe: false,
      recentPosts: [],
    };
    get[0]!.resolve({ profile });
    await tick();
    // Until the thumbnail is in, the card draws the profile's own preview at the card's size.
    expect(asked).toEqual(['f-av']);
    await tick();
    await tick();
    const list = store.getState().forum.list!;
    expect(list.avatar).toMatchObject({ width: 48, height: 48 });
    const frame = screen();
    expect(frame).toContain('profile of alice');
    expect(frame).toContain('alice — gardening');
    expect(frame).toContain('you do not follow them · /follow @alice');
    expect(frame).toContain('follows: private');
    expect(frame).toContain('no posts in boards you can see');
    // The bio wraps beside the picture instead of being cut.
    expect(frame).toMatch(/▀ {2}Tomatoes, beans and a very long line about compost/);
    expect(frame).toMatch(/▀ {2}that has to wrap beside the picture/);
    // The picture: rows of half blocks, at least twelve cells wide and six rows tall (the preview was 4×4).
    const rows = frame.split('\n').filter((l) => /▀{12,}/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(6);
    key({ kind: 'close' });

    // A picture that arrives after another profile replaced this one is dropped.
    actions.forum!.profile(BOB);
    store.dispatch({ type: 'forum/list-avatar', fileId: 'f-av', avatar: tiny });
    expect(store.getState().forum.list?.avatar).toBeUndefined();
  });

  it('/boards lists the boards one can see, filtered by name; /people finds people and Enter shows a profile card', async () => {
    const o = od();
    await tick();
    const other: Room = { id: 'r-help', name: 'helpdesk', topic: 'ask here', kind: 'forum', categoryId: null, position: 2, restrictedTo: null };
    o.store.dispatch({ type: 'event', event: ev(40, { type: 'room.created', roomId: other.id, data: { room: other } }) });
    o.actions.submit('/boards');
    let frame = o.screen();
    expect(frame).toContain('boards you can see');
    // Boards only, by name: no text room among them; joined or not, and the topic.
    expect(frame).toMatch(/#helpdesk {2}not joined \(Enter looks, \/join joins\) · ask here/);
    expect(frame).toMatch(/#ideas {2}joined/);
    expect(o.store.getState().forum.finder?.entries.map((e) => e.label)).toEqual(['#helpdesk', '#ideas']);
    expect(o.client.of('search.rooms')).toEqual([]);
    o.key({ kind: 'close' });
    o.actions.submit('/boards IDE');
    expect(o.store.getState().forum.finder?.entries.map((e) => e.label)).toEqual(['#ideas']);
    o.key({ kind: 'submit' });
    expect(o.store.getState().overlay).toBeNull();
    expect(o.store.getState().currentRoomId).toBe(board.id);
    o.actions.submit('/boards nothing-like-it');
    expect(o.screen()).toContain('nothing matches');
    o.key({ kind: 'close' });

    o.actions.submit('/people @bo');
    expect(o.client.of('search.users').map((r) => r.params)).toEqual([{ query: 'bo' }]);
    expect(o.screen()).toContain('loading…');
    o.client.of('search.users')[0]!.resolve({ users: [{ id: BOB, nickname: 'bob', color: null, roles: [], statusText: 'gardening' }] });
    await tick();
    frame = o.screen();
    expect(frame).toContain('people matching "bo"');
    expect(frame).toMatch(/bob {2}○ offline · gardening/);
    o.key({ kind: 'submit' });
    expect(o.client.of('profile.get').map((r) => r.params)).toEqual([{ userId: BOB }]);
    expect(o.store.getState().overlay).toEqual({ kind: 'posts' });
    o.key({ kind: 'close' });
    // A late answer to an older /people is dropped once another finder is on screen.
    o.actions.submit('/people ca');
    o.actions.submit('/boards');
    o.client.of('search.users')[1]!.resolve({ users: [] });
    await tick();
    expect(o.store.getState().forum.finder?.title).toBe('boards you can see');
  });
});
