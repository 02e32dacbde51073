import { afterEach, describe, expect, it } from 'vitest';
import { messageDelete } from '../src/cli/community.js';
import { Harness, makeOwner, member, refused } from './community-support.js';
import { type RawClient, until } from './helpers.js';

/*
 * Message search (FTS5 word and trigram indexes, a bounded scan for short CJK terms), user and room search,
 * and `history.around`, over real sockets on 127.0.0.1:0 and real SQLite files. The clock is injected so
 * the date filters are exact.
 */
const h = new Harness();
afterEach(() => h.release());

const DAY = 86_400_000;
// Now, so tokens issued on the injected clock are valid for the restarted server's real one.
const T0 = Date.now();

async function setup() {
  const clock = { now: T0 };
  const server = await h.server({ now: () => clock.now, accessTokenTtlSec: 30 * 86_400 });
  const alice = await member(server.url, 'alice');
  const bob = await member(server.url, 'bob');
  const carol = await member(server.url, 'carol');
  await makeOwner(server, alice.id);
  const a = await h.connect(server.url, alice.token);
  const b = await h.connect(server.url, bob.token);
  const c = await h.connect(server.url, carol.token);
  const { room: lobby } = await a.call('room.create', { name: 'lobby' });
  await b.call('room.join', { roomId: lobby.id });
  await c.call('room.join', { roomId: lobby.id });
  return { server, clock, alice, bob, carol, a, b, c, lobby };
}

let nonce = 0;
const say = async (c: RawClient, roomId: string, text: string) =>
  (await c.call('message.send', { roomId, text, nonce: `n${nonce++}` })).message;
const texts = (r: { hits: Array<{ message: { text: string } }> }) => r.hits.map((x) => x.message.text);

describe('search', () => {
  it('finds words (prefixes with *), Chinese and Japanese substrings, and 1–2 character CJK terms; newest first, with snippets', async () => {
    const { b, a, lobby } = await setup();
    await say(a, lobby.id, 'the deploy is done');
    await say(a, lobby.id, 'Deployed again, café open');
    await say(a, lobby.id, '我们明天去北京开会');
    await say(a, lobby.id, '今日は東京で会議があります');
    await say(a, lobby.id, 'nothing to see here');

    // Whole words; a trailing * asks for a prefix.
    expect(texts(await b.call('search', { query: 'deploy' }))).toEqual(['the deploy is done']);
    expect(texts(await b.call('search', { query: 'deploy*' }))).toEqual(['Deployed again, café open', 'the deploy is done']);
    expect(texts(await b.call('search', { query: 'deplo' }))).toEqual([]);
    expect(texts(await b.call('search', { query: 'DEPLOY done' }))).toEqual(['the deploy is done']);
    expect(texts(await b.call('search', { query: 'cafe' }))).toEqual(['Deployed again, café open']);
    expect(texts(await b.call('search', { query: '北京开会' }))).toEqual(['我们明天去北京开会']);
    expect(texts(await b.call('search', { query: '東京で会議' }))).toEqual(['今日は東京で会議があります']);
    // Shorter than a trigram: the bounded scan.
    expect(texts(await b.call('search', { query: '北京' }))).toEqual(['我们明天去北京开会']);
    expect(texts(await b.call('search', { query: '京' }))).toEqual(['今日は東京で会議があります', '我们明天去北京开会']);
    expect(texts(await b.call('search', { query: '会議 今日' }))).toEqual(['今日は東京で会議があります']);
    expect(texts(await b.call('search', { query: '上海' }))).toEqual([]);

    const hit = (await b.call('search', { query: 'deploy' })).hits[0];
    expect(hit.snippet).toBe('the deploy is done');
    expect(hit.ranges).toEqual([[4, 10]]);
    const cjk = (await b.call('search', { query: '東京' })).hits[0];
    expect(cjk.snippet.slice(cjk.ranges[0][0], cjk.ranges[0][1])).toBe('東京');
    // A long message: the snippet is cut around the match, and the range still points at it.
    await say(a, lobby.id, `${'x'.repeat(300)} needle ${'y'.repeat(300)}`);
    const long = (await b.call('search', { query: 'needle' })).hits[0];
    expect(long.snippet.length).toBeLessThan(200);
    expect(long.snippet.slice(long.ranges[0][0], long.ranges[0][1])).toBe('needle');
  });

  it('user text is never query syntax; bad input is BAD_REQUEST and the server keeps answering', async () => {
    const { a, b, lobby } = await setup();
    await say(a, lobby.id, 'quotes "and" stars * and NEAR(x y) OR NOT');
    for (const q of ['"and"', 'NEAR(x', 'OR', 'NOT', 'stars*', 'y)', '^and', 'and:', 'a%b', 'x_y', 'col:and', '{and}']) {
      const r = await b.request('search', { query: q });
      expect(r.ok, `${q}: ${JSON.stringify(r.error)}`).toBe(true);
    }
    expect(texts(await b.call('search', { query: 'NEAR(x' }))).toHaveLength(1);
    expect(texts(await b.call('search', { query: '"and"' }))).toHaveLength(1);
    expect((await refused(b, 'search', { query: '   ' })).code).toBe('BAD_REQUEST');
    for (const q of ['*** !!', '"', '%']) expect((await refused(b, 'search', { query: q })).code).toBe('BAD_REQUEST');
    expect((await refused(b, 'search', { query: 'a b c d e f g h i' })).code).toBe('BAD_REQUEST');
    expect((await refused(b, 'search', { query: 'x'.repeat(201) })).code).toBe('BAD_REQUEST');
    expect((await refused(b, 'search', { query: 'x', limit: 0 })).code).toBe('BAD_REQUEST');
    expect((await refused(b, 'search', { query: 'x', bogus: 1 })).code).toBe('BAD_REQUEST');
    // LIKE wildcards in a short CJK term are literal.
    await say(a, lobby.id, '百分之%');
    expect(texts(await b.call('search', { query: '之%' }))).toEqual(['百分之%']);
    expect(texts(await b.call('search', { query: '分_' }))).toEqual([]);
    expect(texts(await b.call('search', { query: 'quotes' }))).toHaveLength(1);
  });

  it('an edit is found by its new text only and a delete vanishes, at once', async () => {
    const { a, b, lobby } = await setup();
    const m = await say(a, lobby.id, 'original wording 原来的文字');
    expect(texts(await b.call('search', { query: 'original' }))).toHaveLength(1);
    await a.call('message.edit', { messageId: m.id, text: 'revised wording 修改后的文字' });
    expect(texts(await b.call('search', { query: 'original' }))).toEqual([]);
    expect(texts(await b.call('search', { query: '原来的' }))).toEqual([]);
    expect(texts(await b.call('search', { query: '原来' }))).toEqual([]);
    expect(texts(await b.call('search', { query: 'revised' }))).toEqual(['revised wording 修改后的文字']);
    expect(texts(await b.call('search', { query: '修改后' }))).toEqual(['revised wording 修改后的文字']);
    await a.call('message.delete', { messageId: m.id });
    for (const q of ['revised', 'wording', '修改后', '修改']) expect(texts(await b.call('search', { query: q }))).toEqual([]);
  });

  it('a delete by the operator from another process vanishes too, and a client resyncing from an older order finds the same', async () => {
    const { server, a, b, lobby, bob } = await setup();
    const m = await say(a, lobby.id, 'operator removes this 运营删除');
    const last = b.events.at(-1)?.event.order ?? b.ready.head;
    await b.close();
    await messageDelete(server.dataDir, m.id);
    expect(texts(await a.call('search', { query: 'operator' }))).toEqual([]);
    expect(texts(await a.call('search', { query: '运营删除' }))).toEqual([]);
    // Bob comes back from his older order: the replay carries the delete, and search agrees with it.
    const b2 = await h.connect(server.url, bob.token, last);
    const deleted = (e: any) => e.type === 'message.deleted' && e.data.messageId === m.id;
    await until(() => b2.replayed.some(deleted) || b2.events.some((f: any) => deleted(f.event)), 'the delete reaches bob');
    expect(texts(await b2.call('search', { query: 'operator' }))).toEqual([]);
  });

  it('a hidden room never hits and answers exactly like a search with no hits; a missing or hidden roomId answers NOT_FOUND alike', async () => {
    const { a, b, lobby } = await setup();
    const { role } = await a.call('role.create', { name: 'staff' });
    const { room: secret } = await a.call('room.create', { name: 'secret' });
    await say(a, secret.id, 'merger plans 合并计划');
    await a.call('room.restrict', { roomId: secret.id, roleIds: [role.id] });
    await say(a, lobby.id, 'public words');
    // The owner sees it; bob does not.
    expect(texts(await a.call('search', { query: 'merger' }))).toEqual(['merger plans 合并计划']);
    for (const q of ['merger', '合并计划', '合并', 'nonexistentword']) {
      expect(await b.call('search', { query: q })).toEqual({ hits: [], next: null });
    }
    const hidden = await refused(b, 'search', { query: 'merger', roomId: secret.id });
    const missing = await refused(b, 'search', { query: 'merger', roomId: 'no-such-room' });
    expect(hidden).toEqual(missing);
    expect(hidden.code).toBe('NOT_FOUND');
    expect(await refused(b, 'history.around', { roomId: secret.id, messageId: 'x' })).toEqual(
      await refused(b, 'history.around', { roomId: 'no-such-room', messageId: 'x' }),
    );
    // Rooms by name: hidden ones never.
    expect((await b.call('search.rooms', { query: 'sec' })).rooms).toEqual([]);
    expect((await a.call('search.rooms', { query: 'sec' })).rooms.map((r: any) => r.name)).toEqual(['secret']);
  });

  it('after leaving a room its messages no longer hit; with roomId a visible room is searched as history would show it', async () => {
    const { a, b, lobby } = await setup();
    await say(a, lobby.id, 'before parting 离开之前');
    expect(texts(await b.call('search', { query: 'parting' }))).toHaveLength(1);
    await b.call('room.part', { roomId: lobby.id });
    for (const q of ['parting', '离开之前', '离开']) expect(await b.call('search', { query: q })).toEqual({ hits: [], next: null });
    // Still visible (a public text room): searching it by id previews it, like its history.
    expect(texts(await b.call('search', { query: 'parting', roomId: lobby.id }))).toHaveLength(1);
  });

  it('a group one left, or was removed from, never hits again, not even by id; a direct chat hits only its two members', async () => {
    const { a, b, c, bob, carol } = await setup();
    const { room: group } = await a.call('group.create', { name: 'plans', userIds: [bob.id, carol.id] });
    await say(a, group.id, 'surprise party 惊喜派对 on friday');
    for (const cl of [b, c]) expect(texts(await cl.call('search', { query: 'surprise' }))).toHaveLength(1);
    await b.call('group.remove', { roomId: group.id, userId: bob.id });
    await a.call('group.remove', { roomId: group.id, userId: carol.id });
    const none = { hits: [], next: null };
    for (const cl of [b, c]) {
      for (const q of ['surprise', '惊喜派对', '派对']) expect(await cl.call('search', { query: q })).toEqual(none);
      // By id it is a room they cannot see: the same answer as a missing room.
      const byId = await cl.request('search', { query: 'surprise', roomId: group.id });
      const missing = await cl.request('search', { query: 'surprise', roomId: 'no-such-room' });
      expect(byId.error).toEqual(missing.error);
    }
    const { room: dm } = await a.call('dm.open', { userId: bob.id });
    await say(a, dm.id, 'just between us');
    expect(texts(await b.call('search', { query: 'between' }))).toEqual(['just between us']);
    expect(await c.call('search', { query: 'between' })).toEqual(none);
  });

  it('filters: in a room, from an author, before and after a date; pages with a cursor', async () => {
    const { a, b, c, clock, alice, carol, lobby } = await setup();
    const { room: other } = await a.call('room.create', { name: 'other' });
    await b.call('room.join', { roomId: other.id });
    await say(a, lobby.id, 'report one');
    clock.now = T0 + 2 * DAY;
    await say(c, lobby.id, 'report two');
    clock.now = T0 + 4 * DAY;
    await say(a, other.id, 'report three');
    expect(texts(await b.call('search', { query: 'report' }))).toEqual(['report three', 'report two', 'report one']);
    expect(texts(await b.call('search', { query: 'report', roomId: lobby.id }))).toEqual(['report two', 'report one']);
    expect(texts(await b.call('search', { query: 'report', authorId: alice.id }))).toEqual(['report three', 'report one']);
    expect(texts(await b.call('search', { query: 'report', authorId: carol.id }))).toEqual(['report two']);
    expect(texts(await b.call('search', { query: 'report', before: T0 + 2 * DAY }))).toEqual(['report one']);
    expect(texts(await b.call('search', { query: 'report', after: T0 + 2 * DAY }))).toEqual(['report three', 'report two']);
    expect(texts(await b.call('search', { query: 'report', after: T0 + DAY, before: T0 + 3 * DAY }))).toEqual(['report two']);

    const p1 = await b.call('search', { query: 'report', limit: 2 });
    expect(texts(p1)).toEqual(['report three', 'report two']);
    expect(p1.next).not.toBeNull();
    const p2 = await b.call('search', { query: 'report', limit: 2, cursor: p1.next });
    expect(texts(p2)).toEqual(['report one']);
    expect(p2.next).toBeNull();
  });

  it('the index survives a restart, and search.users finds active users by nickname', async () => {
    const { server, a, lobby, bob } = await setup();
    await say(a, lobby.id, 'persisted words 持久的文字');
    const dataDir = server.dataDir;
    await server.close();
    const again = await h.server({ dataDir });
    const b2 = await h.connect(again.url, bob.token);
    expect(texts(await b2.call('search', { query: 'persisted' }))).toEqual(['persisted words 持久的文字']);
    expect(texts(await b2.call('search', { query: '持久的' }))).toEqual(['persisted words 持久的文字']);
    expect((await b2.call('search.users', { query: 'AL' })).users.map((u: any) => u.nickname)).toEqual(['alice']);
    expect((await b2.call('search.users', { query: 'o' })).users.map((u: any) => u.nickname)).toEqual(['bob', 'carol']);
  });
});

describe('history.around', () => {
  it('returns the message with the ones before and after it, and says where the room ends', async () => {
    const { a, b, lobby } = await setup();
    const sent = [];
    for (let i = 0; i < 12; i++) sent.push(await say(a, lobby.id, `m${i}`));
    const mid = await b.call('history.around', { roomId: lobby.id, messageId: sent[6].id, before: 3, after: 3 });
    expect(mid.messages.map((m: any) => m.text)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    expect(mid).toMatchObject({ olderEnd: false, newerEnd: false });
    const start = await b.call('history.around', { roomId: lobby.id, messageId: sent[1].id, before: 5, after: 0 });
    expect(start.messages.map((m: any) => m.text)).toEqual(['m0', 'm1']);
    expect(start).toMatchObject({ olderEnd: true, newerEnd: false });
    const end = await b.call('history.around', { roomId: lobby.id, messageId: sent[10].id });
    expect(end.messages.at(-1).text).toBe('m11');
    expect(end).toMatchObject({ olderEnd: true, newerEnd: true });
    await a.call('message.delete', { messageId: sent[2].id });
    expect((await refused(b, 'history.around', { roomId: lobby.id, messageId: sent[2].id })).code).toBe('NOT_FOUND');
    const { room: other } = await a.call('room.create', { name: 'other' });
    expect((await refused(b, 'history.around', { roomId: other.id, messageId: sent[3].id })).code).toBe('NOT_FOUND');
  });

  it('shows the room as history does: thread-only replies stay in their thread, and one of them is shown by its root', async () => {
    const { a, b, lobby } = await setup();
    const root = await say(a, lobby.id, 'root words');
    const reply = (await b.call('message.send', { roomId: lobby.id, text: 'reply words only in the thread', nonce: 'tr1', threadId: root.id })).message;
    const also = (await b.call('message.send', { roomId: lobby.id, text: 'reply words also in the room', nonce: 'tr2', threadId: root.id, alsoInRoom: true })).message;
    await say(a, lobby.id, 'after words');
    const around = await b.call('history.around', { roomId: lobby.id, messageId: reply.id });
    expect(around.messages.map((m: any) => m.text)).toEqual(['root words', 'reply words also in the room', 'after words']);
    expect(around.messages.map((m: any) => m.id)).toEqual((await b.call('history', { roomId: lobby.id })).messages.map((m: any) => m.id));
    // A hit in a reply also in the room is shown where it is.
    expect((await b.call('history.around', { roomId: lobby.id, messageId: also.id, before: 0, after: 0 })).messages[0].id).toBe(also.id);
  });
});
