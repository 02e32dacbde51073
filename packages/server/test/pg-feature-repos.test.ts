import { afterAll, describe, expect, it } from 'vitest';
import { ENGINES, type Engine, fixtures, openPostgres, openSqlite } from './pg/feature-engines.js';

/*
 * The feature repositories on both engines, one suite: every scenario runs the same calls on SQLite and on
 * PostgreSQL (each on a fresh store), checks what it knows the answers must be, and records every answer in a
 * transcript; the last block requires the two engines' transcripts to be equal, call for call.
 */

type Rec = (label: string, value: unknown) => void;
type Scenario = (e: Engine, rec: Rec) => Promise<void>;

/** Maps and sets as sorted plain values, so transcripts compare by content. */
const plain = (v: unknown): unknown =>
  v instanceof Map ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)])) : v instanceof Set ? [...v].sort() : v;

const SCENARIOS: Array<[string, Scenario]> = [
  [
    'reactions: a set per message, user and emoji; emoji keep their place; users in the order they reacted',
    async (e, rec) => {
      const f = fixtures(e);
      const r = e.repos.reactions;
      for (const u of ['ann', 'bob', 'cat']) await f.user(u);
      await f.room('r1');
      await f.message({ id: 'm1', room: 'r1', author: 'ann', order: 1 });
      await f.message({ id: 'm2', room: 'r1', author: 'ann', order: 2 });
      await r.add('m1', 'bob', '👍', 10);
      await r.add('m1', 'ann', '🎉', 11);
      await r.add('m1', 'cat', '👍', 12);
      await r.add('m1', 'cat', '👍', 13); // a second time: nothing changes
      await r.add('m2', 'ann', 'x', 14);
      rec('has', [await r.has('m1', 'cat', '👍'), await r.has('m1', 'cat', '🎉')]);
      rec('emojiOn', [await r.emojiOn('m1', '👍'), await r.emojiOn('m1', 'nope'), await r.emojiOn('m9', 'x')]);
      const of = plain(await r.ofMessages(['m1', 'm2', 'm9']));
      expect(of).toEqual({
        m1: [
          { emoji: '👍', userIds: ['bob', 'cat'] },
          { emoji: '🎉', userIds: ['ann'] },
        ],
        m2: [{ emoji: 'x', userIds: ['ann'] }],
      });
      rec('ofMessages', of);
      // 👍 loses its first user but keeps its place ahead of 🎉; a new emoji goes last.
      await r.remove('m1', 'bob', '👍');
      await r.add('m1', 'bob', '🔥', 15);
      await r.add('m1', 'bob', '👍', 16);
      const after = plain(await r.ofMessages(['m1']));
      expect(after).toEqual({
        m1: [
          { emoji: '👍', userIds: ['cat', 'bob'] },
          { emoji: '🎉', userIds: ['ann'] },
          { emoji: '🔥', userIds: ['bob'] },
        ],
      });
      rec('after remove', after);
      rec('empty list', plain(await r.ofMessages([])));
      await r.removeAll('m1');
      rec('removeAll', plain(await r.ofMessages(['m1', 'm2'])));
    },
  ],
  [
    'conversations: direct chats by member key, group admins, owner and successor by join order',
    async (e, rec) => {
      const f = fixtures(e);
      const c = e.repos.conversations;
      for (const u of ['ann', 'bob', 'cat', 'dan']) await f.user(u);
      await f.room('dm1', 'dm');
      await f.room('dm2', 'dm');
      await f.room('g1', 'group', 'ann');
      rec('dmRoom none', await c.dmRoom('ann bob'));
      await c.setDmRoom('ann bob', 'dm1');
      rec('dmRoom', await c.dmRoom('ann bob'));
      await c.setDmRoom('ann bob', 'dm2');
      expect(await c.dmRoom('ann bob')).toBe('dm2');
      for (const u of ['ann', 'dan', 'bob', 'cat']) await f.member('g1', u);
      await c.setAdmin('g1', 'cat', true);
      await c.setAdmin('g1', 'ann', true);
      await c.setAdmin('g1', 'ann', true);
      rec('admins', await c.admins('g1'));
      expect(await c.admins('g1')).toEqual(['ann', 'cat']);
      // The owner leaves: the admin who joined first (cat, the only other admin).
      await f.leave('g1', 'ann');
      await c.setAdmin('g1', 'ann', false);
      expect(await c.successor('g1')).toBe('cat');
      // No admin left: the member who joined first (dan, then bob); one who leaves and comes back joins anew.
      await c.setAdmin('g1', 'cat', false);
      expect(await c.successor('g1')).toBe('dan');
      await f.leave('g1', 'dan');
      await f.member('g1', 'dan');
      expect(await c.successor('g1')).toBe('bob');
      rec('successor', await c.successor('g1'));
      rec('successor of nobody', await c.successor('dm1'));
      await c.setOwner('g1', 'bob');
      await c.setOwner('dm1', 'bob'); // not a group: unchanged
      rec('owners', await e.sql('SELECT id, created_by FROM rooms ORDER BY id'));
    },
  ],
  [
    'room settings: private rows per user and room, upserted; notification defaults',
    async (e, rec) => {
      const f = fixtures(e);
      const s = e.repos.roomSettings;
      await f.user('ann');
      for (const r of ['rb', 'ra', 'rc']) await f.room(r);
      rec('get none', await s.get('ann', 'ra'));
      await s.set('ann', { roomId: 'rb', muted: true, level: 'mentions', localName: 'bee' });
      await s.set('ann', { roomId: 'ra', muted: false, level: null, localName: null });
      await s.set('ann', { roomId: 'rb', muted: false, level: 'all', localName: null });
      expect(await s.get('ann', 'rb')).toEqual({ roomId: 'rb', muted: false, level: 'all', localName: null });
      rec('ofUser', await s.ofUser('ann'));
      expect((await s.ofUser('ann')).map((x) => x.roomId)).toEqual(['ra', 'rb']);
      rec('defaults none', await s.defaults('ann'));
      await s.setDefaults('ann', { rooms: 'mentions', chats: 'all' });
      await s.setDefaults('ann', { rooms: 'none', chats: 'mentions' });
      expect(await s.defaults('ann')).toEqual({ rooms: 'none', chats: 'mentions' });
      rec('defaults', await s.defaults('ann'));
    },
  ],
  [
    'files: rows, links to messages, who may fetch, uploads in a window',
    async (e, rec) => {
      const f = fixtures(e);
      const files = e.repos.files;
      await f.user('ann');
      await f.user('bob');
      await f.room('r1');
      await f.room('r2');
      const row = (id: string, at: number, size: number) => ({
        id,
        sha256: `sha-${id}`,
        uploaderId: 'ann',
        name: `${id}.png`,
        size,
        mime: 'image/png',
        width: 10,
        height: 20,
        thumb: id === 'f1',
        preview: id === 'f1' ? { width: 2, height: 1, rgb: 'AAAAAA' } : null,
        createdAt: at,
      });
      await files.insert(row('f1', 100, 5_000_000_000));
      await files.insert(row('f2', 200, 7));
      await files.insert({ ...row('f3', 300, 9), uploaderId: 'bob' });
      await expect(Promise.resolve().then(() => files.insert(row('f2', 1, 1)))).rejects.toThrow();
      rec('get', [await files.get('f1'), await files.get('f2'), await files.get('nope')]);
      expect((await files.get('f1'))!.size).toBe(5_000_000_000);
      await f.message({ id: 'm1', room: 'r2', author: 'ann', order: 1 });
      await f.message({ id: 'm2', room: 'r1', author: 'ann', order: 2 });
      await files.link('m1', ['f1', 'f2']);
      await files.link('m2', ['f1']);
      await files.link('m2', ['f1']);
      await files.link('m2', []);
      expect(await files.references('f1')).toEqual({ referenced: true, liveRooms: ['r2', 'r1'] });
      await e.sql('UPDATE messages SET deleted = 1 WHERE id = $1', ['m1']);
      rec('references', [await files.references('f1'), await files.references('f2'), await files.references('f3')]);
      expect(await files.references('f2')).toEqual({ referenced: true, liveRooms: [] });
      rec('uploadsSince', [await files.uploadsSince('ann', 0), await files.uploadsSince('ann', 100), await files.uploadsSince('bob', 0)]);
      expect(await files.uploadsSince('ann', 100)).toEqual([{ createdAt: 200, size: 7 }]);
    },
  ],
  [
    'threads: replies, summaries, follows, counters and unread and mention counts',
    async (e, rec) => {
      const f = fixtures(e);
      const t = e.repos.threads;
      for (const u of ['ann', 'bob', 'cat', 'dan']) await f.user(u);
      await f.room('r1');
      await f.message({ id: 'root', room: 'r1', author: 'ann', order: 1 });
      const authors = ['bob', 'cat', 'bob', 'dan', 'ann', 'cat'];
      for (const [i, a] of authors.entries()) await f.message({ id: `rp${i}`, room: 'r1', author: a, order: 10 + i, thread: 'root', alsoInRoom: i === 2 });
      await e.sql('UPDATE messages SET deleted = 1 WHERE id = $1', ['rp4']);
      await f.mention('rp1', 'dan', 'r1', 11, true);
      await f.mention('rp5', 'dan', 'r1', 15, true);
      await f.mention('rp4', 'dan', 'r1', 14, true);
      const replies = await t.replies('root', 15, 3);
      expect(replies.map((m) => m.id)).toEqual(['rp3', 'rp2', 'rp1']);
      rec('replies', replies);
      const sum = await t.recount('root');
      expect(sum).toEqual({ count: 5, lastAt: 15_000, lastOrder: 15, lastAuthorIds: ['cat', 'dan', 'bob'] });
      rec('recount', [sum, await t.recount('nothing')]);
      await t.setSummary('root', sum);
      rec('root row', await e.sql('SELECT reply_count, last_reply_at, last_reply_order, last_reply_authors FROM messages WHERE id = $1', ['root']));
      rec('follow none', await t.follow('bob', 'root'));
      const follow = (userId: string, following: boolean) => ({ userId, threadId: 'root', roomId: 'r1', following, level: 'all' as const, muted: false, readOrder: 0, unread: 0, mentions: 0 });
      await t.setFollow(follow('dan', true));
      await t.setFollow(follow('bob', true));
      await t.setFollow(follow('ann', true));
      await t.setFollow(follow('cat', false));
      await t.setFollow({ ...follow('dan', true), level: 'mentions', readOrder: 12, muted: true });
      await t.countReply('root', 'bob', ['dan', 'zed']);
      await t.countReply('root', 'ann', []);
      const followers = await t.followers('root');
      expect(followers.map((x) => x.userId)).toEqual(['dan', 'bob', 'ann']);
      expect(followers.map((x) => [x.unread, x.mentions])).toEqual([[2, 1], [1, 0], [1, 0]]);
      rec('followers', followers);
      rec('followed', [await t.followed('dan'), await t.followed('cat')]);
      rec('follow', await t.follow('dan', 'root'));
      // After 11: rp2 (bob) and rp5 (cat); rp3 is dan's own, rp4 deleted.
      expect(await t.unreadCount('dan', 'root', 11)).toBe(2);
      rec('unread', [await t.unreadCount('dan', 'root', 0), await t.unreadCount('bob', 'root', 12), await t.unreadCount('ann', 'root', 99)]);
      expect(await t.mentionCount('dan', 'r1', 'root', 0)).toBe(2);
      rec('mentions', [await t.mentionCount('dan', 'r1', 'root', 0), await t.mentionCount('dan', 'r1', 'root', 11), await t.mentionCount('dan', 'r2', 'root', 0)]);
    },
  ],
  [
    'blocks: a private list, oldest first; blocking twice or unblocking a stranger changes nothing',
    async (e, rec) => {
      const f = fixtures(e);
      const b = e.repos.blocks;
      for (const u of ['ann', 'bob', 'cat', 'dan']) await f.user(u);
      const changed = [await b.set('ann', 'dan', true, 5), await b.set('ann', 'bob', true, 7), await b.set('ann', 'cat', true, 5), await b.set('ann', 'bob', true, 9)];
      expect(changed).toEqual([true, true, true, false]);
      expect(await b.list('ann')).toEqual(['cat', 'dan', 'bob']);
      rec('list', [await b.list('ann'), await b.list('bob')]);
      rec('blocks', [await b.blocks('ann', 'bob'), await b.blocks('bob', 'ann')]);
      rec('unblock', [await b.set('ann', 'bob', false, 10), await b.set('ann', 'bob', false, 11)]);
      rec('list after', await b.list('ann'));
    },
  ],
  [
    'audit: appended, paged newest first by sequence',
    async (e, rec) => {
      const a = e.repos.audit;
      for (let i = 1; i <= 5; i++) await a.append({ at: i * 10, actorId: i % 2 ? 'ann' : null, action: `act${i}`, targetUserId: i === 3 ? 'bob' : null, roomId: i === 4 ? 'r1' : null, detail: { i, s: 'x' } });
      const first = await a.page(Number.MAX_SAFE_INTEGER, 2);
      expect(first.map((x) => x.action)).toEqual(['act5', 'act4']);
      const next = await a.page(first[1]!.seq, 10);
      expect(next.map((x) => x.action)).toEqual(['act3', 'act2', 'act1']);
      rec('pages', [first, next]);
    },
  ],
  [
    'forum: posts, boards by either sort, hashtags, bookmarks, follows, profiles; a root deleted or removed takes its post',
    async (e, rec) => {
      const f = fixtures(e);
      const fo = e.repos.forum;
      for (const u of ['ann', 'bob', 'cat']) await f.user(u);
      await f.room('b1', 'forum');
      await f.room('b2', 'forum');
      const post = async (id: string, room: string, author: string, order: number, tags: string[]) => {
        await f.message({ id, room, author, order });
        await fo.insertPost({ id, roomId: room, authorId: author, title: `title ${id}`, tags, order, createdAt: order * 1000 });
      };
      await post('p1', 'b1', 'ann', 1, ['go', 'rust']);
      await post('p2', 'b1', 'bob', 2, ['go']);
      await post('p3', 'b2', 'ann', 3, ['go']);
      await post('p4', 'b1', 'cat', 4, []);
      await fo.touch('p1', 10, 10_000);
      await fo.touch('p1', 9, 11_000); // an older comment: the order stays
      await fo.setFlags('p4', true, true);
      await e.sql("UPDATE messages SET reply_count = 3, edited_at = 77 WHERE id = 'p1'");
      rec('post', [await fo.post('p1'), await fo.post('nope')]);
      expect(await fo.post('p1')).toMatchObject({ lastOrder: 10, lastAt: 11_000, comments: 3, editedAt: 77, deleted: false });
      const page = { before: Number.MAX_SAFE_INTEGER, limit: 10 };
      const ids = (ps: Array<{ id: string }>) => ps.map((p) => p.id);
      expect(ids(await fo.board('b1', 'latest', false, null, page))).toEqual(['p1', 'p2']);
      expect(ids(await fo.board('b1', 'newest', false, null, page))).toEqual(['p2', 'p1']);
      expect(ids(await fo.board('b1', 'newest', true, null, page))).toEqual(['p4']);
      expect(ids(await fo.board('b1', 'latest', false, 'go', page))).toEqual(['p1', 'p2']);
      rec('boards', [
        await fo.board('b1', 'latest', false, null, page),
        await fo.board('b1', 'newest', false, 'go', { before: 2, limit: 5 }),
        await fo.board('b1', 'latest', false, 'rust', page),
      ]);
      expect(ids(await fo.tagged('go', ['b1', 'b2'], page))).toEqual(['p3', 'p2', 'p1']);
      rec('tagged', [await fo.tagged('go', ['b2'], page), await fo.tagged('go', [], page)]);
      await fo.setContent('p2', 'new title', ['zig']);
      await fo.setContent('nope', 'x', ['zig']);
      expect(ids(await fo.tagged('zig', ['b1'], page))).toEqual(['p2']);
      expect(ids(await fo.tagged('go', ['b1'], page))).toEqual(['p1']);
      expect(ids(await fo.byAuthors(['ann', 'cat'], ['b1', 'b2'], page))).toEqual(['p4', 'p3', 'p1']);
      rec('byAuthors', [await fo.byAuthors(['ann'], ['b1'], { before: 3, limit: 1 }), await fo.byAuthors([], ['b1'], page)]);
      rec('bookmark', [await fo.bookmark('bob', 'p1', 20), await fo.bookmark('bob', 'p3', 21), await fo.bookmark('bob', 'p1', 22), await fo.hasBookmark('bob', 'p1')]);
      expect(ids(await fo.bookmarks('bob', ['b1', 'b2']))).toEqual(['p3', 'p1']);
      rec('unbookmark', [await fo.unbookmark('bob', 'p3'), await fo.unbookmark('bob', 'p3'), await fo.bookmarks('bob', ['b1', 'b2'])]);
      rec('follow', [await fo.follow('bob', 'ann', 5), await fo.follow('cat', 'ann', 3), await fo.follow('bob', 'ann', 6), await fo.isFollowing('bob', 'ann')]);
      expect(await fo.followers('ann')).toEqual(['cat', 'bob']);
      rec('follows', [await fo.followers('ann'), await fo.following('bob'), await fo.unfollow('cat', 'ann'), await fo.followers('ann')]);
      rec('profile none', await fo.profile('ann'));
      await fo.setProfile('ann', { bio: 'hi', avatarFileId: 'f1', showFollows: true });
      await fo.setProfile('ann', { bio: 'hello', avatarFileId: null, showFollows: true });
      expect(await fo.profile('ann')).toEqual({ bio: 'hello', avatarFileId: null, showFollows: true });
      // message.delete of the root: the post leaves its board (trigger); removed for good: post, tags, bookmarks go.
      await e.sql('UPDATE messages SET deleted = 1 WHERE id = $1', ['p2']);
      expect((await fo.post('p2'))?.deleted).toBe(true);
      expect(ids(await fo.board('b1', 'latest', false, null, page))).toEqual(['p1']);
      await e.sql('DELETE FROM messages WHERE id = $1', ['p1']);
      rec('removed', [await fo.post('p1'), await e.sql("SELECT COUNT(*) AS n FROM post_tags WHERE post_id = 'p1'"), await e.sql("SELECT COUNT(*) AS n FROM bookmarks WHERE post_id = 'p1'")]);
      expect(await fo.post('p1')).toBeNull();
    },
  ],
  [
    'inbox: items per user in visible rooms, newest first, unread counts, settings and who declines',
    async (e, rec) => {
      const f = fixtures(e);
      const ib = e.repos.inbox;
      for (const u of ['ann', 'bob', 'cat']) await f.user(u);
      await f.room('r1');
      await f.room('r2');
      await f.message({ id: 'root', room: 'r1', author: 'bob', order: 1, text: 'the post body' });
      await e.repos.forum.insertPost({ id: 'root', roomId: 'r1', authorId: 'bob', title: 'A title', tags: [], order: 1, createdAt: 1000 });
      await f.message({ id: 'c1', room: 'r1', author: 'cat', order: 2, text: 'x'.repeat(500), thread: 'root' });
      await f.message({ id: 'm2', room: 'r2', author: 'bob', order: 3, text: 'in r2' });
      await f.message({ id: 'm3', room: 'r1', author: 'bob', order: 4, text: 'gone soon' });
      const item = (id: string, kind: 'mention' | 'reply' | 'reaction', room: string, msg: string, order: number, thread: string | null = null) => ({
        id,
        userId: 'ann',
        kind,
        roomId: room,
        messageId: msg,
        threadId: thread,
        actorId: 'bob',
        emoji: kind === 'reaction' ? '👍' : null,
        order,
        createdAt: order * 10,
      });
      await ib.insert(item('i1', 'mention', 'r1', 'root', 1));
      await ib.insert(item('i2', 'reply', 'r1', 'c1', 2, 'root'));
      await ib.insert(item('i3', 'reaction', 'r2', 'm2', 3));
      await ib.insert(item('i4', 'mention', 'r1', 'm3', 4));
      await ib.insert(item('i0', 'mention', 'r1', 'm3', 4));
      const page = { before: Number.MAX_SAFE_INTEGER, limit: 10, unreadOnly: false };
      const all = await ib.list('ann', ['r1', 'r2'], page);
      expect(all.map((i) => i.id)).toEqual(['i0', 'i4', 'i3', 'i2', 'i1']);
      expect(all.find((i) => i.id === 'i2')).toMatchObject({ title: 'A title', threadId: 'root' });
      rec('list', all);
      rec('hidden room left out', [await ib.list('ann', ['r1'], page), await ib.list('ann', [], page), await ib.unread('ann', ['r2'])]);
      expect(await ib.markRead('ann', ['i4', 'i1', 'i1', 'nope'])).toEqual(['i1', 'i4']);
      rec('markRead again', await ib.markRead('ann', ['i4', 'i3']));
      rec('unreadOnly', await ib.list('ann', ['r1', 'r2'], { ...page, unreadOnly: true }));
      await ib.markAllRead('ann', 2);
      rec('unread', await ib.unread('ann', ['r1', 'r2']));
      await e.sql('UPDATE messages SET deleted = 1 WHERE id = $1', ['m3']);
      rec('deleted message drops out', await ib.list('ann', ['r1', 'r2'], page));
      await e.sql('DELETE FROM messages WHERE id = $1', ['m3']);
      rec('removed message takes its items', await e.sql("SELECT id FROM inbox_items WHERE message_id = 'm3'"));
      rec('settings none', await ib.settings('ann'));
      await ib.setSettings('ann', { mention: true, reply: false, reaction: false, follow: true, post: true } as never);
      rec('settings', await ib.settings('ann'));
      await e.repos.blocks.set('cat', 'bob', true, 1);
      const declining = await ib.declining(['ann', 'cat', 'bob'], 'reply', 'bob');
      expect(plain(declining)).toEqual(['ann', 'cat']);
      rec('declining', [plain(declining), plain(await ib.declining(['ann', 'bob'], 'mention', 'bob')), plain(await ib.declining([], 'reply', 'bob'))]);
    },
  ],
  [
    'search: words, prefixes, phrases, diacritics, CJK substrings short and long, filters, paging; hidden rooms never match',
    async (e, rec) => {
      const f = fixtures(e);
      const s = e.repos.search;
      for (const u of ['ann', 'bob', 'cat']) await f.user(u);
      for (const r of ['s1', 's2', 'hidden']) await f.room(r);
      const texts: Array<[number, string, string, string]> = [
        [1, 's1', 'ann', 'Deploy the new build today'],
        [2, 's1', 'bob', "deployed yesterday; e-mail me, it's fine"],
        [3, 's2', 'ann', 'École naïve CAFÉ'],
        [4, 'hidden', 'bob', 'deploy the secret plans, e-mail them'],
        [5, 's1', 'cat', '東京タワーに行きました'],
        [6, 's2', 'ann', '東京は大きい'],
        [7, 's1', 'bob', 'hello世界 and more'],
        [8, 's2', 'cat', 'straße STRASSE Strasse'],
        [9, 's1', 'ann', 'foo_bar x.y'],
        [10, 'hidden', 'cat', '東京の秘密 hello世界'],
        [12, 's2', 'bob', 'ΣΊΣΥΦΟΣ σίσυφος'],
        [13, 's1', 'ann', 'deploy deleted'],
        [14, 's1', 'bob', 'ＡＢＣ fullwidth'],
        [15, 's2', 'ann', '京 x'],
      ];
      for (const [order, room, author, text] of texts) await f.message({ id: `m${order}`, room, author, order, text });
      await f.message({ id: 'm11', room: 's1', author: 'ann', order: 11, text: 'deploy in a thread', thread: 'm1' });
      await e.sql('UPDATE messages SET deleted = 1, text = $1 WHERE id = $2', ['', 'm13']);
      expect(await s.hasPending()).toBe(true);
      // Indexed a few at a time, oldest first, as the indexer does.
      const batches: number[] = [];
      while (await s.hasPending()) batches.push(await s.indexPending(6));
      expect(batches).toEqual([6, 6, 2]);
      const visible = ['s1', 's2'];
      const q = (terms: Array<string | [string, boolean]>, over: Partial<Parameters<typeof s.messages>[0]> = {}) => {
        const ts = terms.map((t) => (typeof t === 'string' ? { text: t, prefix: false } : { text: t[0], prefix: t[1] }));
        const unspaced = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
        return Promise.resolve(
          s.messages({ terms: ts, substring: ts.some((t) => unspaced.test(t.text)), roomIds: visible, authorId: null, before: null, after: null, cursor: null, limit: 20, ...over }),
        );
      };
      const orders = async (p: ReturnType<typeof q>) => {
        const r = await p;
        return { orders: r.rows.map((m) => m.order), next: r.next };
      };
      const cases: Array<[string, ReturnType<typeof q>, number[]]> = [
        ['word', q(['deploy']), [11, 1]],
        ['prefix', q([['deploy', true]]), [11, 2, 1]],
        ['phrase of a term with a hyphen', q(['e-mail']), [2]],
        ['apostrophe splits', q(['it', 's']), [2]],
        ['two words', q(['deploy', 'today']), [1]],
        ['diacritics folded', q(['ecole']), [3]],
        ['diacritics in the query too', q(['café']), [3]],
        ['eszett', q(['strasse']), [8]],
        ['final sigma', q(['σίσυφος']), [12]],
        ['underscore splits', q(['bar']), [9]],
        ['fullwidth is its own letter', q(['abc']), []],
        ['a word inside a longer token is no word', q(['hello']), []],
        ['its prefix is', q([['hello', true]]), [7]],
        ['short CJK substring', q(['東京']), [6, 5]],
        ['one character', q(['京']), [15, 6, 5]],
        ['trigram substring', q(['東京タワー']), [5]],
        ['trigram and short together', q(['東京', 'タワー']), [5]],
        ['latin term in a substring query', q(['hello', '世界']), [7]],
        ['trigram with latin', q(['hello世界']), [7]],
        ['nothing', q(['nowhere']), []],
        ['no rooms', q(['deploy'], { roomIds: [] }), []],
        ['author', q([['deploy', true]], { authorId: 'bob' }), [2]],
        ['before', q([['deploy', true]], { before: 2000 }), [1]],
        ['after', q([['deploy', true]], { after: 2000 }), [11, 2]],
        ['one room', q(['東京'], { roomIds: ['s2'] }), [6]],
      ];
      for (const [label, p, want] of cases) {
        const got = await orders(p);
        expect({ label, got: got.orders }).toEqual({ label, got: want });
        rec(label, got);
      }
      // The hidden room has the same words: asked for with it, they are there; without it, never.
      expect((await orders(q(['deploy'], { roomIds: ['s1', 'hidden'] }))).orders).toEqual([11, 4, 1]);
      expect((await orders(q(['東京'], { roomIds: ['hidden'] }))).orders).toEqual([10]);
      // Paging by cursor.
      const p1 = await orders(q([['deploy', true]], { limit: 2 }));
      expect(p1).toEqual({ orders: [11, 2], next: 2 });
      expect(await orders(q([['deploy', true]], { limit: 2, cursor: 2 }))).toEqual({ orders: [1], next: null });
      expect(await orders(q(['京'], { limit: 2 }))).toEqual({ orders: [15, 6], next: 6 });
      rec('rows', (await q(['deploy'])).rows);
      // An edit leaves the old words and is found by its new ones once indexed; a delete leaves the index.
      await e.sql('UPDATE messages SET text = $1 WHERE id = $2', ['deploy again, 東京タワー', 'm9']);
      await e.sql('UPDATE messages SET deleted = 1 WHERE id = $1', ['m1']);
      expect(await s.hasPending()).toBe(true);
      expect(await s.indexPending(100)).toBe(1);
      expect(await s.hasPending()).toBe(false);
      rec('after edit', [await orders(q(['deploy'])), await orders(q(['bar'])), await orders(q(['東京タワー']))]);
      expect((await orders(q(['deploy']))).orders).toEqual([11, 9]);
      const rebuilt = await s.rebuild();
      expect(rebuilt).toEqual({ messages: 13 });
      rec('rebuild', [rebuilt, await orders(q([['deploy', true]])), await orders(q(['東京']))]);
      // Context after a message: the room's own list (a thread-only reply is not in it).
      rec('after', (await s.after('s1', 1, 10)).map((m) => m.order));
      expect((await s.after('s1', 1, 3)).map((m) => m.order)).toEqual([2, 5, 7]);
    },
  ],
  [
    'search: a short substring reads a bounded window of the newest messages and answers where the next one starts',
    async (e, rec) => {
      const f = fixtures(e);
      await f.user('ann');
      await f.room('w1');
      // 5002 messages, one statement on either engine; every thousandth one says 京.
      await e.sql(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5002)
         INSERT INTO messages (id, room_id, author_id, text, event_order, created_at)
         SELECT 'w' || i, 'w1', 'ann', CASE WHEN i % 1000 = 0 THEN '京都 ' || i ELSE 'plain ' || i END, i, i FROM n`,
      );
      while (await e.repos.search.hasPending()) await e.repos.search.indexPending(2000);
      const page = async (cursor: number | null) => {
        const r = await e.repos.search.messages({ terms: [{ text: '京', prefix: false }], substring: true, roomIds: ['w1'], authorId: null, before: null, after: null, cursor, limit: 20 });
        return { orders: r.rows.map((m) => m.order), next: r.next };
      };
      const first = await page(null);
      // The window holds orders 5002..3: five hits, fewer than a page, and the next page starts below the window.
      expect(first).toEqual({ orders: [5000, 4000, 3000, 2000, 1000], next: 3 });
      const second = await page(3);
      expect(second).toEqual({ orders: [], next: null });
      rec('pages', [first, second, await page(4500)]);
    },
  ],
  [
    'retention: policies, the bounded sweep step (threads, reactions, mentions, files, tombstones, horizons), orphans, files and blobs',
    async (e, rec) => {
      const f = fixtures(e);
      const ret = e.repos.retention;
      for (const u of ['ann', 'bob']) await f.user(u);
      for (const r of ['r1', 'r2', 'r3']) await f.room(r);
      await ret.setPolicy('r1', 60);
      await ret.setPolicy('r3', 0);
      await ret.setPolicy('r3', null);
      rec('policies', await e.sql('SELECT id, retention_sec FROM rooms ORDER BY id'));
      await f.message({ id: 'm1', room: 'r1', author: 'ann', order: 1, at: 1000, text: 'oldest words here' });
      await f.message({ id: 'm2', room: 'r1', author: 'bob', order: 2, at: 2000, text: 'a thread root' });
      await f.message({ id: 'm3', room: 'r1', author: 'ann', order: 3, at: 3000 });
      await f.message({ id: 'm4', room: 'r2', author: 'ann', order: 4, at: 4000 });
      await f.message({ id: 'm5', room: 'r1', author: 'bob', order: 5, at: 9000 });
      await f.message({ id: 'rp1', room: 'r1', author: 'ann', order: 20, at: 20_000, thread: 'm2' });
      await e.sql('UPDATE messages SET last_reply_order = 20, reply_count = 1 WHERE id = $1', ['m2']);
      await e.repos.reactions.add('m1', 'bob', '👍', 1);
      await e.repos.reactions.add('m1', 'ann', '👍', 2);
      await e.repos.reactions.add('rp1', 'bob', 'x', 3);
      await f.mention('m1', 'bob', 'r1', 1);
      await e.repos.threads.setFollow({ userId: 'bob', threadId: 'm2', roomId: 'r1', following: true, level: 'all', muted: false, readOrder: 0, unread: 0, mentions: 0 });
      const file = (id: string, sha: string) => ({ id, sha256: sha, uploaderId: 'ann', name: id, size: 1, mime: 'text/plain', width: null, height: null, thumb: false, preview: null, createdAt: 1 });
      await e.repos.files.insert(file('f1', 'shaA'));
      await e.repos.files.insert(file('f2', 'shaB'));
      await e.repos.files.insert(file('f3', 'shaB'));
      await e.repos.files.insert(file('f4', 'shaC'));
      await e.repos.files.link('m1', ['f1']);
      await e.repos.files.link('m3', ['f2']);
      await e.repos.files.link('m5', ['f3']);
      await e.repos.files.link('m4', ['f4']);
      await e.sql('UPDATE messages SET deleted = 1 WHERE id = $1', ['m4']);
      const created = (order: number, room: string, id: string) => f.event({ order, type: 'message.created', room, actor: 'ann', data: { message: { id, text: 'secret' } } });
      await created(1, 'r1', 'm1');
      await created(2, 'r1', 'm2');
      await created(3, 'r1', 'm3');
      await created(4, 'r2', 'm4');
      await created(5, 'r1', 'm5');
      await f.event({ order: 6, type: 'reaction.added', room: 'r1', actor: 'bob', data: { messageId: 'm1', emoji: '👍' } });
      await f.event({ order: 7, type: 'message.edited', room: 'r1', actor: 'bob', data: { messageId: 'm5', text: 'kept' } });
      await f.event({ order: 8, type: 'thread.followed', room: 'r1', actor: 'bob', target: 'bob', data: { threadId: 'm2' } });
      await f.event({ order: 9, type: 'room.updated', room: 'r1', actor: 'ann', data: { room: { id: 'r1' } } });
      await f.event({ order: 10, type: 'reaction.added', room: 'r2', actor: 'bob', data: { messageId: 'gone-elsewhere' } });
      for (let o = 11; o < 20; o++) await f.event({ order: o, type: 'room.updated', room: 'r1', actor: 'ann', data: { room: { id: 'r1' } } });
      await created(20, 'r1', 'rp1');
      while (await e.repos.search.hasPending()) await e.repos.search.indexPending(100);
      const counted = await ret.countExpired('r1', 8000);
      expect(counted).toEqual({ messages: 3, reactions: 2, files: 2 });
      rec('countExpired', [counted, await ret.countExpired('r2', 8000), await ret.countExpired('r1', 0)]);
      await ret.holdSearchMerges(true);
      const first = await ret.expireBatch({ r1: 8000, r3: 500 }, 0, 3);
      expect(first).toMatchObject({ cursor: 3, done: false, rooms: { r1: { messages: 4, replies: 1, reactions: 3, through: 3 } } });
      expect([...first.rooms.r1!.fileIds].sort()).toEqual(['f1', 'f2']);
      rec('first step', first);
      await ret.mergeSearch(16);
      const second = await ret.expireBatch({ r1: 8000, r3: 500 }, first.cursor, 3);
      rec('second step', second);
      expect(second.done).toBe(true);
      await ret.holdSearchMerges(false);
      rec('messages left', await e.sql('SELECT id FROM messages ORDER BY event_order'));
      rec('horizons', await e.sql('SELECT id, expired_through FROM rooms ORDER BY id'));
      rec('left behind', await e.sql(`SELECT (SELECT COUNT(*) FROM message_reactions) AS reactions, (SELECT COUNT(*) FROM message_mentions) AS mentions,
        (SELECT COUNT(*) FROM thread_follows) AS follows, (SELECT COUNT(*) FROM message_files) AS links`));
      const hits = await e.repos.search.messages({ terms: [{ text: 'oldest', prefix: false }], substring: false, roomIds: ['r1'], authorId: null, before: null, after: null, cursor: null, limit: 5 });
      expect(hits.rows).toEqual([]);
      expect(await ret.tombstoneOrphans(['r1'], 0, 30)).toBe(2);
      rec('orphans again', await ret.tombstoneOrphans(['r1', 'r2'], 0, 30));
      const log = await e.sql<{ event_order: number; type: string; actor_id: string | null; target_user_id: string | null; data: string }>(
        'SELECT event_order, type, actor_id, target_user_id, data FROM events ORDER BY event_order',
      );
      expect(log.filter((r) => r.type === 'expired').map((r) => Number(r.event_order))).toEqual([1, 2, 3, 6, 8, 10, 20]);
      rec('log', log.map((r) => ({ ...r, event_order: Number(r.event_order) })));
      // Never carried: f5 (old, collected), f6 (inside the grace period, kept), f7 (someone's avatar, kept).
      await e.repos.files.insert({ ...file('f5', 'shaD'), createdAt: 100 });
      await e.repos.files.insert({ ...file('f6', 'shaE'), createdAt: 900 });
      await e.repos.files.insert({ ...file('f7', 'shaF'), createdAt: 100 });
      await e.sql('INSERT INTO profiles (user_id, avatar_file_id) VALUES ($1, $2)', ['ann', 'f7']);
      const dropped = await ret.dropFiles(first.rooms.r1!.fileIds, 100, 500);
      // f1 and f2 went with their messages, f4's only message was deleted by its author; f3's blob is shared with f2.
      // Unsent: f5, and f1 and f2, whose links the sweep step removed (no message carries them, as on SQLite).
      expect({ ...dropped, blobs: [...dropped.blobs].sort() }).toEqual({ files: 4, unsent: 3, blobs: ['shaA', 'shaC', 'shaD'], more: false });
      // A limit the unsent uploads reach says there may be more.
      expect(await ret.dropFiles([], 1, 1000)).toMatchObject({ files: 1, unsent: 1, more: true });
      rec('files left', await e.sql('SELECT id FROM files ORDER BY id'));
      rec('blobInUse', [await ret.blobInUse('shaB'), await ret.blobInUse('shaA')]);
      while (await ret.compactSearch(16));
      expect(typeof (await ret.scrub())).toBe('boolean');
      if (e.name === 'postgres') expect(await ret.scrub()).toBe(true);
    },
  ],
  [
    'unread counters: exact room counts past 1000 (thread-only replies, own and deleted left out), marker moves, a joining member, a sweep and its recount',
    async (e, rec) => {
      const f = fixtures(e);
      const m = e.repos.messages;
      for (const u of ['ann', 'bob', 'cat']) await f.user(u);
      await f.room('r1');
      await f.member('r1', 'ann');
      await f.member('r1', 'bob');
      // 1200 messages by ann (orders 1..1200, a1..a1200), written in one statement both engines take.
      await e.sql(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
         INSERT INTO messages (id, room_id, author_id, text, event_order, created_at, thread_id, also_in_room)
         SELECT 'a' || i, 'r1', 'ann', 'text', i, i * 1000, NULL, 0 FROM n`,
      );
      for (let i = 1; i <= 5; i++) await f.message({ id: `b${i}`, room: 'r1', author: 'bob', order: 1200 + i });
      await f.message({ id: 'reply-only', room: 'r1', author: 'ann', order: 1206, thread: 'b1' });
      await f.message({ id: 'reply-shown', room: 'r1', author: 'ann', order: 1207, thread: 'b1', alsoInRoom: true });
      const counts = async (label: string, expected?: Record<string, number>) => {
        const got = {
          ann: await m.unreadCount('ann', 'r1', await e.repos.readMarkers.marker('ann', 'r1')),
          bob: await m.unreadCount('bob', 'r1', await e.repos.readMarkers.marker('bob', 'r1')),
        };
        if (expected) expect(got).toEqual(expected);
        rec(label, got);
      };
      // No cap: bob has ann's 1200 and the reply shown in the room; ann has bob's five.
      await counts('start', { ann: 5, bob: 1201 });
      await m.markDeleted('a10');
      await counts('a10 deleted', { ann: 5, bob: 1200 });
      await e.repos.readMarkers.set('bob', 'r1', 600);
      await counts('bob read to 600', { ann: 5, bob: 601 });
      // Someone with neither a membership nor a marker row is counted from the messages.
      expect(await m.unreadCount('cat', 'r1', 1100)).toBe(106);
      // Joining counts from the start: everything live but cat's own (cat has none).
      await f.member('r1', 'cat');
      expect(await m.unreadCount('cat', 'r1', 0)).toBe(1205);
      // The sweep removes orders 1..700; the counts settle once the room's readers are recounted.
      const swept = await e.repos.retention.expireBatch({ r1: 700_500 }, 0, 2000);
      expect(swept.rooms.r1?.messages).toBe(700);
      rec('during the sweep', [await m.unreadCount('bob', 'r1', 600), await m.unreadCount('cat', 'r1', 0)]);
      await e.repos.retention.recountReaders('r1');
      await counts('after the recount', { ann: 5, bob: 501 });
      expect(await m.unreadCount('cat', 'r1', 0)).toBe(506);
      // A marker moved back (read.unmarked answers this count) and forward past the thread-only reply.
      await e.repos.readMarkers.set('bob', 'r1', 300);
      await counts('bob back to 300', { ann: 5, bob: 501 });
      await e.repos.readMarkers.set('bob', 'r1', 1201);
      await counts('bob at 1201', { ann: 5, bob: 1 });
      await e.repos.readMarkers.set('ann', 'r1', 1203);
      await counts('ann at 1203', { ann: 2, bob: 1 });
      rec('counter rows', await e.sql('SELECT user_id, room_id, marker_seq, own_after, gone_after FROM room_reads ORDER BY user_id, room_id'));
      rec('room seq', await e.sql("SELECT msg_seq FROM rooms WHERE id = 'r1'"));
    },
  ],
  [
    'inbox fan-out: reactions taken back; the outbox runs oldest first, keeps its cursor and skip list, and empties',
    async (e, rec) => {
      const f = fixtures(e);
      const ib = e.repos.inbox;
      for (const u of ['ann', 'bob', 'cat']) await f.user(u);
      await f.room('r1');
      await f.message({ id: 'm1', room: 'r1', author: 'ann', order: 1 });
      await f.message({ id: 'm2', room: 'r1', author: 'ann', order: 2 });
      const reaction = (id: string, msg: string, actor: string, emoji: string, order: number) => ({
        id,
        userId: 'ann',
        kind: 'reaction' as const,
        roomId: 'r1',
        messageId: msg,
        threadId: null,
        actorId: actor,
        emoji,
        order,
        createdAt: order * 10,
      });
      await ib.insert(reaction('i1', 'm1', 'bob', '👍', 1));
      await ib.insert(reaction('i2', 'm1', 'bob', '🎉', 2));
      await ib.insert(reaction('i3', 'm1', 'cat', '👍', 3));
      await ib.insert(reaction('i4', 'm2', 'bob', '👍', 4));
      await ib.insert({ ...reaction('i5', 'm1', 'bob', '👍', 5), kind: 'mention', emoji: '👍' });
      // Only bob's 👍 reaction on m1 goes: not his other emoji, not cat's, not his on m2, not a mention.
      expect(await ib.removeReaction('ann', 'm1', 'bob', '👍')).toEqual(['i1']);
      rec('removeReaction again', [await ib.removeReaction('ann', 'm1', 'bob', '👍'), await ib.removeReaction('bob', 'm1', 'bob', '🎉')]);
      rec('items left', await e.sql('SELECT id FROM inbox_items ORDER BY id'));
      rec('no job', await ib.nextFanout());
      const job = (msg: string, audience: 'author-followers' | 'thread-followers', skip: string[], thread: string | null = null) => ({
        audience,
        kind: thread ? ('comment' as const) : ('post' as const),
        roomId: 'r1',
        messageId: msg,
        threadId: thread,
        actorId: 'ann',
        order: 7,
        createdAt: 70,
        skip,
      });
      await ib.queueFanout(job('m1', 'author-followers', ['bob']));
      await ib.queueFanout(job('m2', 'thread-followers', [], 'm1'));
      const first = await ib.nextFanout();
      expect(first).toMatchObject({ audience: 'author-followers', messageId: 'm1', threadId: null, skip: ['bob'], cursor: '', order: 7, createdAt: 70 });
      await ib.advanceFanout(first!.seq, 'bob');
      const again = await ib.nextFanout();
      expect(again).toEqual({ ...first, cursor: 'bob' });
      rec('first', { ...again, seq: null });
      await ib.finishFanout(first!.seq);
      const second = await ib.nextFanout();
      expect(second!.seq).toBeGreaterThan(first!.seq);
      expect(second).toMatchObject({ audience: 'thread-followers', messageId: 'm2', threadId: 'm1', skip: [], cursor: '' });
      rec('second', { ...second, seq: null });
      await ib.finishFanout(second!.seq);
      await ib.finishFanout(second!.seq);
      rec('empty', await ib.nextFanout());
    },
  ],
  [
    'app passwords: stored by hash, listed oldest first, used, removed one or all; revoking a user ends them',
    async (e, rec) => {
      const f = fixtures(e);
      const ap = e.repos.appPasswords;
      for (const u of ['ann', 'bob']) await f.user(u);
      await ap.insert({ id: 'p2', userId: 'ann', name: 'irssi', secretHash: 'h2', createdAt: 20 });
      await ap.insert({ id: 'p1', userId: 'ann', name: 'weechat', secretHash: 'h1', createdAt: 20 });
      await ap.insert({ id: 'p0', userId: 'ann', name: 'old', secretHash: 'h0', createdAt: 10 });
      await ap.insert({ id: 'pb', userId: 'bob', name: 'irssi', secretHash: 'hb', createdAt: 5 });
      const list = await ap.list('ann');
      expect(list.map((p) => p.id)).toEqual(['p0', 'p1', 'p2']);
      expect(list[0]).toEqual({ id: 'p0', userId: 'ann', name: 'old', secretHash: 'h0', createdAt: 10, lastUsedAt: null, lastAddress: '' });
      rec('list', list);
      await ap.touch('p1', 99, '127.0.0.1');
      expect(await ap.byHash('h1')).toMatchObject({ id: 'p1', lastUsedAt: 99, lastAddress: '127.0.0.1' });
      rec('byHash', [await ap.byHash('h1'), await ap.byHash('nope')]);
      // A hash is unique: a second row with it is refused.
      await expect(Promise.resolve().then(() => ap.insert({ id: 'px', userId: 'bob', name: 'x', secretHash: 'h1', createdAt: 1 }))).rejects.toThrow();
      expect([await ap.remove('bob', 'p1'), await ap.remove('ann', 'p1'), await ap.remove('ann', 'p1')]).toEqual([false, true, false]);
      await ap.insert({ id: 'p3', userId: 'ann', name: 'new', secretHash: 'h3', createdAt: 5 });
      expect(await ap.removeAll('ann')).toEqual(['p3', 'p0', 'p2']);
      rec('removeAll', [await ap.removeAll('ann'), await ap.list('ann')]);
      await e.repos.credentials.revokeAllForUser('bob');
      expect(await ap.list('bob')).toEqual([]);
      rec('revoked', [await ap.list('bob'), await ap.byHash('hb')]);
    },
  ],
  [
    'voice: one row per user, rooms in join order, mute and deafen, a slot unique in its room',
    async (e, rec) => {
      const f = fixtures(e);
      const v = e.repos.voice;
      for (const u of ['ann', 'bob', 'cat', 'dan']) await f.user(u);
      for (const r of ['v1', 'v2']) await f.room(r, 'voice');
      const row = (userId: string, roomId: string, slot: number, joinedAt: number) => ({ userId, roomId, slot, muted: false, deafened: false, joinedAt });
      await v.add(row('cat', 'v1', 2, 10));
      await v.add(row('ann', 'v1', 1, 10));
      await v.add(row('bob', 'v1', 0, 5));
      await v.add(row('dan', 'v2', 0, 7));
      // Same join time: the one added first comes first.
      expect((await v.ofRoom('v1')).map((r) => r.userId)).toEqual(['bob', 'cat', 'ann']);
      rec('ofRoom', [await v.ofRoom('v1'), await v.ofRoom('v2'), await v.ofRoom('none')]);
      rec('all', (await v.all()).map((r) => r.userId));
      await v.setState('ann', true, false);
      await v.setState('bob', true, true);
      await v.setState('bob', false, true);
      expect(await v.ofUser('bob')).toEqual({ userId: 'bob', roomId: 'v1', slot: 0, muted: false, deafened: true, joinedAt: 5 });
      rec('ofUser', [await v.ofUser('ann'), await v.ofUser('bob'), await v.ofUser('nobody')]);
      await expect(Promise.resolve().then(() => v.add(row('ann', 'v2', 5, 11)))).rejects.toThrow();
      await expect(Promise.resolve().then(() => v.add({ ...row('eve', 'v1', 1, 12) }))).rejects.toThrow();
      await v.remove('ann');
      await v.remove('ann');
      await v.add(row('ann', 'v2', 1, 13));
      rec('after', [await v.ofRoom('v1'), await v.ofRoom('v2')]);
    },
  ],
  [
    'account security: two-factor login, recovery codes, roles, sessions, the export, and erasing an account',
    async (e, rec) => {
      const f = fixtures(e);
      const a = e.repos.accountSecurity;
      for (const u of ['ann', 'bob', 'cat']) await f.user(u);
      rec('none', await a.twoFactor('ann'));
      await a.setPending('ann', 'sealed1', 10);
      await a.setPending('ann', 'sealed2', 11);
      rec('pending', await a.twoFactor('ann'));
      rec('consume before enabled', await a.consumeStep('ann', 3));
      await a.enable('ann', 5, ['h1', 'h2', 'h2']);
      const steps = [await a.consumeStep('ann', 5), await a.consumeStep('ann', 6), await a.consumeStep('ann', 6), await a.consumeStep('ann', 9)];
      expect(steps).toEqual([false, true, false, true]);
      rec('enabled', await a.twoFactor('ann'));
      expect([await a.useRecoveryCode('ann', 'h1'), await a.useRecoveryCode('ann', 'h1'), await a.useRecoveryCode('ann', 'nope')]).toEqual([true, false, false]);
      expect(await a.recoveryCodesLeft('ann')).toBe(1);
      await a.enable('ann', 10, ['h3']);
      rec('codes', await a.recoveryCodesLeft('ann'));
      await a.disable('ann');
      rec('disabled', [await a.twoFactor('ann'), await a.recoveryCodesLeft('ann')]);
      await a.setRoleRequired('admin', true);
      await a.setRoleRequired('owner', true);
      await a.setRoleRequired('owner', true);
      await a.setRoleRequired('admin', false);
      rec('roles', plain(await a.requiredRoles()));
      // Sessions: families with a live token are listed, newest first; others are not.
      await f.refreshToken('t1', 'ann', 'fa', 100, 10_000);
      await f.refreshToken('t2', 'ann', 'fb', 200, 10_000, 0, 1);
      await f.refreshToken('t3', 'ann', 'fc', 300, 400);
      await f.refreshToken('t4', 'ann', 'fd', 150, 10_000, 1);
      await f.refreshToken('t5', 'ann', 'fd', 160, 10_000);
      await f.refreshToken('t6', 'ann', 'fe', 120, 10_000);
      await a.insertSession({ familyId: 'fa', userId: 'ann', client: 'od 1.0', address: '127.0.0.1', now: 100 });
      await a.insertSession({ familyId: 'fb', userId: 'ann', client: 'od', address: '::1', now: 200 });
      await a.insertSession({ familyId: 'fa', userId: 'ann', client: 'od 1.1', address: '127.0.0.2', now: 110 });
      await a.touchSession('fa', 500);
      const live = await a.liveSessions('ann', 1000);
      expect(live.map((x) => x.familyId)).toEqual(['fd', 'fe', 'fa']);
      expect(live.find((x) => x.familyId === 'fe')).toEqual({ familyId: 'fe', client: 'unknown', address: '', firstSeen: 120, lastSeen: 120 });
      rec('live', live);
      await e.sql("DELETE FROM refresh_tokens WHERE family_id = 'fb'");
      await a.purgeSessions();
      rec('sessions', await e.sql('SELECT family_id, client, address, created_at, last_seen_at FROM sessions ORDER BY family_id'));
      // The export and erasure: ann writes in a shared room, a group she owns and a DM with bob.
      for (const r of ['r1', 'g1', 'dm1']) await f.room(r, r === 'g1' ? 'group' : r === 'dm1' ? 'dm' : 'text', r === 'g1' ? 'ann' : null);
      for (const r of ['r1', 'g1', 'dm1']) for (const u of ['ann', 'bob']) await f.member(r, u);
      await e.repos.conversations.setDmRoom('ann bob', 'dm1');
      await f.message({ id: 'm1', room: 'r1', author: 'ann', order: 1, text: 'ann says' });
      await f.message({ id: 'm2', room: 'r1', author: 'bob', order: 2, text: 'bob says' });
      await f.message({ id: 'm3', room: 'g1', author: 'ann', order: 3, text: 'in the group' });
      await f.message({ id: 'd1', room: 'dm1', author: 'ann', order: 4, text: 'private' });
      await f.message({ id: 'd2', room: 'dm1', author: 'bob', order: 5, text: 'private too' });
      await e.repos.reactions.add('m2', 'ann', '👍', 7);
      await e.repos.reactions.add('m1', 'bob', '🎉', 8);
      await f.mention('m1', 'bob', 'r1', 1);
      const file = (id: string, sha: string, by = 'ann') => ({ id, sha256: sha, uploaderId: by, name: id, size: 3, mime: 'text/plain', width: null, height: null, thumb: false, preview: null, createdAt: 5 });
      await e.repos.files.insert(file('fa1', 'shaX'));
      await e.repos.files.insert(file('fa2', 'shaY'));
      await e.repos.files.insert(file('fb1', 'shaY', 'bob'));
      await e.repos.files.link('m1', ['fa1']);
      await e.repos.files.link('d2', ['fb1']);
      await e.repos.forum.setProfile('ann', { bio: 'me', avatarFileId: 'fa2', showFollows: true });
      await e.repos.forum.follow('bob', 'ann', 1);
      await e.repos.blocks.set('cat', 'ann', true, 1);
      for (const [o, id, room] of [[1, 'm1', 'r1'], [2, 'm2', 'r1'], [3, 'm3', 'g1'], [4, 'd1', 'dm1'], [5, 'd2', 'dm1']] as const) {
        await f.event({ order: o, type: 'message.created', room, actor: id.startsWith('m2') || id === 'd2' ? 'bob' : 'ann', data: { message: { id, text: 'x' } } });
      }
      await f.event({ order: 6, type: 'reaction.added', room: 'r1', actor: 'ann', data: { messageId: 'm2', emoji: '👍' } });
      await f.event({ order: 7, type: 'reaction.added', room: 'r1', actor: 'bob', data: { messageId: 'm1', emoji: '🎉' } });
      await f.event({ order: 8, type: 'profile.updated', actor: 'ann', data: { userId: 'ann', bio: 'me' } });
      await f.event({ order: 9, type: 'user.followed', actor: 'bob', target: 'bob', data: { followeeId: 'ann' } });
      await f.event({ order: 10, type: 'message.edited', room: 'r1', actor: 'bob', data: { messageId: 'm2', text: 'kept' } });
      expect(await a.authoredMessageIds('ann')).toEqual(['m1', 'm3', 'd1']);
      rec('export', [await a.authoredMessageIds('ann'), await a.reactionsBy('ann'), await a.filesBy('ann')]);
      const plan = await a.erasePlan('ann');
      expect(plan).toEqual({
        dmRooms: ['dm1'],
        messages: [
          { id: 'm1', roomId: 'r1' },
          { id: 'm3', roomId: 'g1' },
        ],
        joined: [
          { roomId: 'g1', group: true, owner: true },
          { roomId: 'r1', group: false, owner: false },
        ],
        reactions: [{ messageId: 'm2', roomId: 'r1', emoji: '👍' }],
      });
      rec('plan', plan);
      await e.sql('INSERT INTO name_holds (key_hash, until) VALUES ($1, $2)', ['old', 40]);
      await e.repos.appPasswords.insert({ id: 'pa', userId: 'ann', name: 'irssi', secretHash: 'hpa', createdAt: 1 });
      await e.repos.appPasswords.insert({ id: 'pb', userId: 'bob', name: 'irssi', secretHash: 'hpb', createdAt: 1 });
      const erased = await a.eraseAccount('ann', {
        eraseMessages: plan.messages,
        dmRooms: plan.dmRooms,
        username: 'deleted-1',
        nickname: 'deleted user',
        nicknameKey: 'deleted user 1',
        holds: ['hu', 'hn'],
        holdUntil: 100,
        now: 50,
      });
      // fa1 went with m1, the avatar fa2 with the account, bob's fb1 with the DM it was sent in (its blob shaY too).
      expect([...erased.blobs].sort()).toEqual(['shaX', 'shaY']);
      rec('users', await e.sql('SELECT id, username, nickname, nickname_lc, password_hash, removed, removed_reason, token_version FROM users ORDER BY id'));
      rec('messages', await e.sql('SELECT id, text, deleted FROM messages ORDER BY event_order'));
      rec('rooms', await e.sql('SELECT id, deleted FROM rooms ORDER BY id'));
      const log = await e.sql<{ event_order: number; type: string }>('SELECT event_order, type FROM events ORDER BY event_order');
      expect(log.filter((r) => r.type === 'expired').map((r) => Number(r.event_order))).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
      rec('log', log.map((r) => ({ ...r, event_order: Number(r.event_order) })));
      rec('rows left', await e.sql(`SELECT
        (SELECT COUNT(*) FROM room_members WHERE user_id = 'ann') AS members, (SELECT COUNT(*) FROM message_reactions) AS reactions,
        (SELECT COUNT(*) FROM message_mentions) AS mentions, (SELECT COUNT(*) FROM files) AS files, (SELECT COUNT(*) FROM profiles) AS profiles,
        (SELECT COUNT(*) FROM user_follows) AS follows, (SELECT COUNT(*) FROM user_blocks) AS blocks, (SELECT COUNT(*) FROM dm_rooms) AS dms,
        (SELECT COUNT(*) FROM refresh_tokens WHERE user_id = 'ann') AS tokens, (SELECT COUNT(*) FROM app_passwords WHERE user_id = 'ann') AS ann_apps,
        (SELECT COUNT(*) FROM app_passwords WHERE user_id = 'bob') AS bob_apps`));
      const apps = await e.sql<{ id: string }>('SELECT id FROM app_passwords ORDER BY id');
      expect(apps.map((r) => r.id)).toEqual(['pb']);
      rec('holds', await e.sql('SELECT key_hash, until FROM name_holds ORDER BY key_hash'));
      expect([await a.nameHeld('hu', 99), await a.nameHeld('hu', 100), await a.nameHeld('old', 10)]).toEqual([true, false, false]);
    },
  ],
  [
    'operator report: the counts `od-server stats` shows and the checks `od-server doctor` runs',
    async (e, rec) => {
      const f = fixtures(e);
      for (const u of ['ann', 'bob', 'cat', 'dan']) await f.user(u);
      await e.sql("UPDATE users SET removed = 1, removed_reason = 'banned' WHERE id = 'bob'");
      await e.sql("UPDATE users SET removed = 1 WHERE id = 'cat'");
      for (const [id, kind] of [['r1', 'text'], ['r2', 'text'], ['d1', 'dm'], ['g1', 'group'], ['f1', 'forum']]) await f.room(id!, kind);
      await e.sql("UPDATE rooms SET deleted = 1 WHERE id = 'r2'");
      for (let o = 1; o <= 6; o++) await f.message({ id: `m${o}`, room: 'r1', author: 'ann', order: o });
      await e.sql("UPDATE messages SET deleted = 1 WHERE id IN ('m2', 'm3')");
      // Two posts on the board, one deleted: its comments would count as messages, the posts on their own.
      for (const [id, o] of [['p1', 7], ['p2', 8]] as const) {
        await f.message({ id, room: 'f1', author: 'ann', order: o });
        await e.repos.forum.insertPost({ id, roomId: 'f1', authorId: 'ann', title: id, tags: [], order: o, createdAt: o * 1000 });
      }
      await e.sql("UPDATE posts SET deleted = 1 WHERE id = 'p2'");
      await e.sql("UPDATE messages SET deleted = 1 WHERE id = 'p2'");
      const now = 10_000_000;
      for (let o = 1; o <= 8; o++) await f.event({ order: o, type: 'room.updated', room: 'r1', data: {}, at: o <= 3 ? now - 7_200_000 : o <= 5 ? now - 600_000 : now - 1000 });
      if (e.name === 'postgres') await e.sql('UPDATE community_head SET last_order = 8');
      const stats = await e.report.stats(now);
      expect(stats).toMatchObject({
        users: { active: 2, kicked: 1, banned: 1 },
        rooms: { text: 1, forum: 1, dm: 1, group: 1, deleted: 1 },
        posts: 1,
        messages: { live: 5, deleted: 3 },
        events: { head: 8, lastMinute: 3, lastHour: 5 },
      });
      expect(stats.bytes.database).toBeGreaterThan(0);
      // How freed space comes back is the engine's own (PostgreSQL: only VACUUM FULL hands it back).
      if (e.name === 'postgres') expect({ autoVacuum: stats.autoVacuum, free: stats.bytes.free }).toEqual({ autoVacuum: 'none', free: 0 });
      rec('stats', { ...stats, bytes: null, autoVacuum: null });
      const checks = await e.report.checks();
      const byWhat = (cs: typeof checks, what: string) => cs.find((c) => c.what === what);
      expect(byWhat(checks, 'event log')).toEqual({ level: 'ok', what: 'event log', detail: '8 events, orders 1..8 without a gap' });
      expect(byWhat(checks, 'schema')?.level).toBe('ok');
      expect(byWhat(checks, 'foreign keys')?.level).toBe('ok');
      rec('event log', byWhat(checks, 'event log'));
      await e.sql('DELETE FROM events WHERE event_order = 4');
      const gap = byWhat(await e.report.checks(), 'event log');
      expect(gap?.level).toBe('fail');
      rec('gap', gap);
    },
  ],
];

const transcripts: Record<Engine['name'], Map<string, Array<[string, unknown]>>> = { sqlite: new Map(), postgres: new Map() };

describe.each(ENGINES)('feature repositories on %s', (name, open) => {
  for (const [area, scenario] of SCENARIOS) {
    it(area, async () => {
      const e = await open();
      try {
        const t: Array<[string, unknown]> = [];
        await scenario(e, (label, value) => t.push([label, JSON.parse(JSON.stringify(value ?? null)) as unknown]));
        transcripts[name].set(area, t);
      } finally {
        await e.close();
      }
    });
  }
});

describe('both engines', () => {
  for (const [area] of SCENARIOS) {
    it(`answer alike: ${area.split(':')[0]}`, () => {
      const sqlite = transcripts.sqlite.get(area);
      const postgres = transcripts.postgres.get(area);
      // Both ran (a scenario that failed on one engine fails above, and here).
      expect(sqlite && postgres).toBeTruthy();
      expect(postgres).toEqual(sqlite);
    });
  }
});

/** The feature tables, and the columns PostgreSQL adds: SQLite's implicit rowid, made explicit where its order is read. */
const FEATURE_TABLES: Record<string, string[]> = {
  message_reactions: ['rowid'],
  dm_rooms: [],
  room_settings: [],
  notify_defaults: [],
  files: [],
  message_files: [],
  thread_follows: ['rowid'],
  search_pending: [],
  user_blocks: [],
  two_factor: [],
  recovery_codes: [],
  two_factor_roles: [],
  sessions: [],
  audit_log: [],
  name_holds: [],
  posts: [],
  post_tags: [],
  bookmarks: [],
  user_follows: [],
  profiles: [],
  inbox_items: [],
  inbox_settings: [],
  inbox_fanout: [],
  app_passwords: [],
  voice_participants: ['rowid'],
  room_reads: [],
};

describe('the feature schema', () => {
  it("has SQLite's tables and columns (names equal, so queries translate one for one), and core tables keep theirs", async () => {
    const sqlite = await openSqlite();
    const postgres = await openPostgres();
    try {
      for (const [table, extra] of Object.entries(FEATURE_TABLES)) {
        const lite = (await sqlite.sql<{ name: string }>('SELECT name FROM pragma_table_info($1)', [table])).map((r) => r.name);
        const pg = (
          await postgres.sql<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1", [table])
        ).map((r) => r.column_name);
        expect(lite.length).toBeGreaterThan(0);
        expect({ table, columns: pg.sort() }).toEqual({ table, columns: [...lite, ...extra].sort() });
      }
      // The join order of room members lives beside room_members, which keeps SQLite's columns.
      const members = await postgres.sql<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'room_members'");
      expect(members.map((r) => r.column_name).sort()).toEqual(['room_id', 'user_id']);
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });
});

afterAll(() => {
  transcripts.sqlite.clear();
  transcripts.postgres.clear();
});
