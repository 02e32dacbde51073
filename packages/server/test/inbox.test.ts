import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import { createServices } from '../src/app.js';
import { Harness, liveEvent, makeOwner, member, refused, syncFromZero } from './community-support.js';
import { boardOfThree, comment, type Frame, nonce, post } from './forum-support.js';
import { quiet, type RawClient } from './helpers.js';

/*
 * The notification inbox over real sockets: items for mentions, replies to one's messages and posts, comments
 * on followed posts, posts by followed people and reactions to one's posts; a live event naming the item only;
 * read one by one or all; kinds switched off; and items of a room the user can no longer see are neither
 * listed nor counted.
 */

const h = new Harness();
afterEach(() => h.release());

const setup = () => boardOfThree(h);
const inbox = (c: RawClient, params: Frame = {}) => c.call('inbox.list', params) as Promise<Frame>;

describe('inbox', () => {
  it('a comment on my post reaches my inbox live, with the post title, its thread and an excerpt', async () => {
    const { members, a, b, board } = await setup();
    const p = await post(a, board, 'Rust async #rust', 'how?');
    const live = liveEvent(a, (e) => e.type === 'inbox.item');
    const reply = await comment(b, board, p.id, 'read the book');
    const ev = await live;
    // The event names the item only: no room, no text (the log keeps it, the room may be hidden later).
    expect(ev.roomId).toBeNull();
    expect(Object.keys(ev.data).sort()).toEqual(['itemId', 'kind']);
    expect(ev.data.kind).toBe('reply');
    const list = await inbox(a);
    expect(list.unread).toBe(1);
    expect(list.items).toEqual([
      expect.objectContaining({ id: ev.data.itemId, kind: 'reply', roomId: board, messageId: reply.id, threadId: p.id, actorId: members[1]!.id, title: 'Rust async #rust', excerpt: 'read the book', read: false }),
    ]);
    // The commenter's own comment is no news to them.
    expect((await inbox(b)).items).toEqual([]);
  });

  it('followers of a post hear of new comments; people following the author hear of new posts', async () => {
    const { server, members, a, b, c, board } = await setup();
    // Comments reach a post's followers, and posts their author's followers, after their own commit.
    const settled = () => server.app.services.inbox.fanoutSettled();
    const p = await post(a, board, 'Gardening');
    await comment(b, board, p.id, 'tomatoes');
    const third = await comment(c, board, p.id, 'and beans');
    await settled();
    // bob follows the post since he commented: carol's comment is a "comment" for him, a "reply" for alice.
    expect((await inbox(b)).items.map((i: Frame) => [i.kind, i.messageId])).toEqual([['comment', third.id]]);
    expect((await inbox(a)).items.map((i: Frame) => i.kind)).toEqual(['reply', 'reply']);

    await c.call('user.follow', { userId: members[0]!.id });
    const next = await post(a, board, 'Compost');
    await settled();
    const items = (await inbox(c)).items;
    expect(items[0]).toMatchObject({ kind: 'post', messageId: next.id, title: 'Compost', actorId: members[0]!.id });
    // News from someone carol blocks stays out of her inbox.
    await c.call('user.block', { userId: members[0]!.id, blocked: true });
    await post(a, board, 'Blocked news');
    await settled();
    expect((await inbox(c)).items.map((i: Frame) => i.title)).toEqual(['Compost']);
  });

  it('mentions in any room and reactions to my posts; read one, then all', async () => {
    const { a, b, board } = await setup();
    const { room } = await a.call('room.create', { name: 'chat' });
    await b.call('room.join', { roomId: room.id });
    const m = (await b.call('message.send', { roomId: room.id, text: 'hey alice, look', nonce: nonce() })).message;
    const p = await post(a, board, 'Show and tell');
    await b.call('reaction.add', { messageId: p.id, emoji: '👍' });
    // A reaction in a plain room is no inbox news (chat has its own reactions view).
    await a.call('message.send', { roomId: room.id, text: 'hi', nonce: nonce() });
    // @room from the owner mentions everyone in the room, but is no personal news: no inbox item.
    const all = (await a.call('message.send', { roomId: room.id, text: '@room meeting now', nonce: nonce() })).message;
    expect(all.mentions).toContain((await b.call('state')).me.id);
    expect((await inbox(b)).items).toEqual([]);
    let list = await inbox(a);
    expect(list.items.map((i: Frame) => [i.kind, i.messageId, i.emoji])).toEqual([
      ['reaction', p.id, '👍'],
      ['mention', m.id, undefined],
    ]);
    expect(list.unread).toBe(2);
    const readEv = liveEvent(a, (e) => e.type === 'inbox.read');
    expect(await a.call('inbox.read', { ids: [list.items[1].id] })).toEqual({ unread: 1 });
    expect((await readEv).data).toMatchObject({ ids: [list.items[1].id], all: false });
    expect((await inbox(a, { unreadOnly: true })).items.map((i: Frame) => i.kind)).toEqual(['reaction']);
    expect(await a.call('inbox.read', { all: true })).toEqual({ unread: 0 });
    list = await inbox(a);
    expect(list.items.every((i: Frame) => i.read)).toBe(true);
    // Someone else's item ids change nothing; ids and all together are refused.
    expect(await b.call('inbox.read', { ids: [list.items[0].id] })).toEqual({ unread: 0 });
    expect((await refused(a, 'inbox.read', { ids: [list.items[0].id], all: true })).code).toBe('BAD_REQUEST');
    expect((await refused(a, 'inbox.read', {})).code).toBe('BAD_REQUEST');
  });

  it("a comment's followers hear of it after its commit; one mentioned, or the author, gets that item only (even switched off)", async () => {
    const { server, members, a, b, c, board } = await setup();
    const settled = () => server.app.services.inbox.fanoutSettled();
    const kinds = async (cl: RawClient, messageId: string) => (await inbox(cl)).items.filter((i: Frame) => i.messageId === messageId).map((i: Frame) => i.kind);
    const p = await post(a, board, 'Seeds');
    await comment(b, board, p.id, 'first');
    await comment(c, board, p.id, 'second');
    await settled();
    // alice (the author) switches replies off: bob's next comment is no "comment" item for her either,
    // while carol, who follows the post, hears of it through the fan-out job.
    await a.call('inbox.settings', { reply: false });
    const third = await comment(b, board, p.id, 'third');
    await settled();
    expect(await kinds(a, third.id)).toEqual([]);
    expect(await kinds(c, third.id)).toEqual(['comment']);
    // alice comments and mentions bob, who follows the post: a mention only; carol a comment.
    const m = await comment(a, board, p.id, `@${members[1]!.nickname} look`);
    await settled();
    expect(await kinds(b, m.id)).toEqual(['mention']);
    expect(await kinds(c, m.id)).toEqual(['comment']);
    // No job is left behind.
    expect(server.app.storage.db.prepare('SELECT COUNT(*) AS n FROM inbox_fanout').get()).toEqual({ n: 0 });
  });

  it('taking a reaction back takes its item out of the inbox, and the count follows', async () => {
    const { a, b, board } = await setup();
    const p = await post(a, board, 'Rate this');
    const added = liveEvent(a, (e) => e.type === 'inbox.item');
    await b.call('reaction.add', { messageId: p.id, emoji: '👍' });
    await b.call('reaction.add', { messageId: p.id, emoji: '🎉' });
    const item = (await added).data.itemId;
    expect((await inbox(a)).unread).toBe(2);
    const removed = liveEvent(a, (e) => e.type === 'inbox.removed');
    await b.call('reaction.remove', { messageId: p.id, emoji: '👍' });
    const ev = await removed;
    // Like inbox.item: private, and naming the item only.
    expect(ev.roomId).toBeNull();
    expect(ev.data).toEqual({ ids: [item] });
    const list = await inbox(a);
    expect(list.items.map((i: Frame) => i.emoji)).toEqual(['🎉']);
    expect(list.unread).toBe(1);
    // A read item goes too; reacting again is news again.
    await a.call('inbox.read', { all: true });
    await b.call('reaction.remove', { messageId: p.id, emoji: '🎉' });
    expect(await inbox(a)).toMatchObject({ items: [], unread: 0 });
    await b.call('reaction.add', { messageId: p.id, emoji: '👍' });
    expect((await inbox(a)).items.map((i: Frame) => [i.emoji, i.read])).toEqual([['👍', false]]);
    // Nobody else's inbox is touched by a removal, and a removal with no item sends no event.
    expect((await inbox(b)).items).toEqual([]);
  });

  it('a post to many followers is acknowledged before their items are written, which go out in chunks, exactly once, across restarts', async () => {
    const names = ['alice', 'fan1', 'fan2', 'fan3', 'fan4', 'fan5'];
    const first = await h.server({ inboxFanoutChunk: 2 });
    const members = [];
    for (const n of names) members.push(await member(first.url, n));
    await makeOwner(first, members[0]!.id);
    const a = await h.connect(first.url, members[0]!.token);
    const { room } = await a.call('room.create', { name: 'news', kind: 'forum' });
    for (const m of members.slice(1)) {
      const f = await h.connect(first.url, m.token);
      await f.call('room.join', { roomId: room.id });
      await f.call('user.follow', { userId: members[0]!.id });
    }
    // With the fan-out stopped, the post is acknowledged and its job queued: no follower has an item yet.
    await first.app.services.inbox.stopFanout();
    const p = await post(a, room.id, 'Big news #release');
    const count = (db: SqliteStorage['db']) => {
      const rows = db.prepare('SELECT user_id, COUNT(*) AS n FROM inbox_items WHERE message_id = ? GROUP BY user_id').all(p.id) as Array<{ n: number }>;
      return { users: rows.length, most: Math.max(0, ...rows.map((r) => r.n)), jobs: (db.prepare('SELECT COUNT(*) AS n FROM inbox_fanout').get() as { n: number }).n };
    };
    expect(count(first.app.storage.db)).toEqual({ users: 0, most: 0, jobs: 1 });
    await first.close();

    // The services alone (no start-up kick): one step writes one chunk, two followers, and keeps the job.
    const services = async () => {
      const storage = SqliteStorage.open(first.dataDir);
      const s = await createServices({ storage, now: Date.now, newId: () => randomUUID(), log: quiet, snapshotThreshold: 10_000, inboxFanoutChunk: 2, auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null } });
      return { storage, s };
    };
    const one = await services();
    // The kick submits its first step at once; stopping then lets exactly that step finish.
    one.s.inbox.kickFanout();
    await one.s.inbox.stopFanout();
    expect(count(one.storage.db)).toEqual({ users: 2, most: 1, jobs: 1 });
    await one.s.auth.close();
    one.storage.close();

    // A server's start resumes the job after the chunk done: the other three, nobody twice.
    const again = await h.server({ dataDir: first.dataDir, inboxFanoutChunk: 2 });
    await again.app.services.inbox.fanoutSettled();
    expect(count(again.app.storage.db)).toEqual({ users: 5, most: 1, jobs: 0 });
    for (const m of members.slice(1)) {
      const f = await h.connect(again.url, m.token);
      expect((await inbox(f)).items.map((i: Frame) => [i.kind, i.title, i.read])).toEqual([['post', 'Big news #release', false]]);
    }
    // A post deleted before its fan-out went out tells nobody.
    const a2 = await h.connect(again.url, members[0]!.token);
    await again.app.services.inbox.stopFanout();
    const gone = await post(a2, room.id, 'Never mind');
    await a2.call('message.delete', { messageId: gone.id });
    await again.close();
    const last = await h.server({ dataDir: first.dataDir });
    await last.app.services.inbox.fanoutSettled();
    expect(count(last.app.storage.db).jobs).toBe(0);
    expect(last.app.storage.db.prepare('SELECT COUNT(*) AS n FROM inbox_items WHERE message_id = ?').get(gone.id)).toEqual({ n: 0 });
  });

  it('a kind switched off writes no items; paging walks the inbox newest first', async () => {
    const { a, b, board } = await setup();
    const changed = liveEvent(a, (e) => e.type === 'inbox.settings.changed');
    expect((await a.call('inbox.settings', { reply: false })).settings).toEqual({ mention: true, reply: false, comment: true, post: true, reaction: true });
    expect((await changed).data.settings.reply).toBe(false);
    const p = await post(a, board, 'Quiet');
    await comment(b, board, p.id, 'one');
    expect((await inbox(a)).items).toEqual([]);
    await a.call('inbox.settings', { reply: true });
    for (let i = 0; i < 3; i++) await comment(b, board, p.id, `c${i}`);
    const first = await inbox(a, { limit: 2 });
    expect(first.items.map((i: Frame) => i.excerpt)).toEqual(['c2', 'c1']);
    expect(first.end).toBe(false);
    const second = await inbox(a, { limit: 2, before: first.items[1].order });
    expect(second.items.map((i: Frame) => i.excerpt)).toEqual(['c0']);
    expect(second.end).toBe(true);
    expect(first.settings.reply).toBe(true);
  });

  it('the inbox, its read marks and settings survive a restart; a resync replays its events without rooms or text', async () => {
    const { server, members, a, b, board } = await setup();
    const p = await post(a, board, 'Durable');
    await comment(b, board, p.id, 'first');
    await comment(b, board, p.id, 'second');
    const before = await inbox(a);
    await a.call('inbox.read', { ids: [before.items[0].id] });
    await a.call('inbox.settings', { reaction: false });
    await server.close();
    const again = await h.server({ dataDir: server.dataDir });
    const a2 = await h.connect(again.url, members[0]!.token);
    const after = await inbox(a2);
    expect(after.items.map((i: Frame) => [i.excerpt, i.read])).toEqual([
      ['second', true],
      ['first', false],
    ]);
    expect(after.unread).toBe(1);
    expect(after.settings.reaction).toBe(false);
    // Catching up from the start: the inbox's events name items only.
    const { events } = await syncFromZero(a2);
    const inboxEvents = events.filter((e) => e.type.startsWith('inbox.'));
    expect(inboxEvents.map((e) => e.type)).toEqual(['inbox.item', 'inbox.item', 'inbox.read', 'inbox.settings.changed']);
    for (const e of inboxEvents) expect(e.roomId).toBeNull();
    expect(JSON.stringify(inboxEvents)).not.toContain('first');
  });

  it('items of a board I can no longer see disappear, and are not counted; deleted messages drop out', async () => {
    const { members, a, b, c, board } = await setup();
    const { role } = await a.call('role.create', { name: 'insiders' });
    const p = await post(b, board, 'Secret plans');
    await comment(c, board, p.id, 'count me in');
    const gone = await comment(c, board, p.id, 'oops');
    expect((await inbox(b)).unread).toBe(2);
    await c.call('message.delete', { messageId: gone.id });
    expect((await inbox(b)).unread).toBe(1);
    await a.call('room.restrict', { roomId: board, roleIds: [role.id] });
    const hidden = await inbox(b);
    expect(hidden).toMatchObject({ items: [], unread: 0 });
    await a.call('role.grant', { userId: members[1]!.id, roleId: role.id });
    expect((await inbox(b)).unread).toBe(1);
  });
});
