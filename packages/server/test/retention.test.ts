import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEvent, uploadFile } from '@open-discord/protocol';
import { formatSweep, retentionSweep } from '../src/cli/retention.js';
import { WARM_START, type WarmPosition } from '../src/features/retention/repository.js';
import { Harness, foldFromZero, liveEvent, makeOwner, member, refused, syncFromZero } from './community-support.js';
import { type Frame, type RawClient } from './helpers.js';

/*
 * Retention over real sockets and real SQLite files, with an injected clock: a room's policy (its own or the
 * server's default) and the sweep that deletes what is older — from history, search, sync replay, state, the
 * files folder and the bytes of the database files — while the log keeps every order (tombstones).
 */
const h = new Harness();
afterEach(() => h.release());

const DAY = 86_400_000;
const WEEK_SEC = 7 * 86_400;
// Now, so tokens issued on the injected clock stay valid.
const T0 = Date.now();

let nonce = 0;
const say = async (c: RawClient, roomId: string, text: string, extra: Record<string, unknown> = {}) =>
  (await c.call('message.send', { roomId, text, nonce: `n${nonce++}`, ...extra })).message;

async function setup(retentionSec: number | null = WEEK_SEC) {
  const clock = { now: T0 };
  const server = await h.server({ now: () => clock.now, accessTokenTtlSec: 3650 * 86_400, retentionSec, retentionSweepMs: 1e9 });
  const alice = await member(server.url, 'alice');
  const bob = await member(server.url, 'bob');
  await makeOwner(server, alice.id);
  const a = await h.connect(server.url, alice.token);
  const b = await h.connect(server.url, bob.token);
  const { room } = await a.call('room.create', { name: 'lobby' });
  await b.call('room.join', { roomId: room.id });
  return { server, clock, alice, bob, a, b, room };
}

/** Every byte of the database file and its write-ahead log. */
function databaseBytes(dataDir: string): Buffer {
  const parts = ['od.sqlite', 'od.sqlite-wal'].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f));
  return Buffer.concat(parts.map((f) => fs.readFileSync(f)));
}

const blobsOnDisk = (dataDir: string) =>
  fs.existsSync(path.join(dataDir, 'files')) ? fs.readdirSync(path.join(dataDir, 'files')).filter((f) => f !== 'tmp') : [];

const texts = (events: Frame[]) => JSON.stringify(events);

describe('retention', () => {
  it('deletes expired messages, replies, reactions, edits, search entries and files for good; the log keeps every order', async () => {
    const { server, clock, alice, a, b, room } = await setup();
    const before = a.ready.head as number;
    const bytes = new TextEncoder().encode('blobmarker-7c1e: the contents of an old file');
    const att = await uploadFile(server.url, alice.token, { name: 'old.txt', size: bytes.byteLength, body: bytes });
    const old = await say(a, room.id, 'qzxoldmarker the launch code is hunter2', { attachments: [att.id] });
    await b.call('reaction.add', { messageId: old.id, emoji: '👍' });
    const reply = await say(b, room.id, 'qzxreplymarker in the thread', { threadId: old.id });
    const edited = await say(a, room.id, 'first draft');
    clock.now += DAY;
    await a.call('message.edit', { messageId: edited.id, text: 'qzxeditmarker second draft' });
    expect((await b.call('search', { query: 'qzxoldmarker' })).hits).toHaveLength(1);
    expect(blobsOnDisk(server.dataDir)).toHaveLength(1);
    const headBefore = server.head();

    // Eight days on: everything above is older than the week the server keeps; this one is not.
    clock.now += 7 * DAY;
    // A reply younger than the policy goes with its expired root: it is reachable only through it.
    const lateReply = await say(b, room.id, 'qzxlatereply to an old thread', { threadId: old.id });
    const fresh = await say(a, room.id, 'qzxfreshmarker still here');
    const swept = liveEvent(b, (e) => e.type === 'room.updated' && e.data.room.expiredThrough !== undefined, 'the new horizon');
    const report = await server.app.services.retention.sweep();
    expect(report.rooms).toEqual([expect.objectContaining({ roomId: room.id, messages: 4, replies: 1, reactions: 1, files: 1, policySec: WEEK_SEC })]);
    expect(report).toMatchObject({ files: 1, blobs: 1, scrubbed: true });
    const horizon = (await swept).data.room.expiredThrough as number;
    expect(horizon).toBeGreaterThanOrEqual(edited.order);
    expect(horizon).toBeLessThan(fresh.order);

    // History ends at the horizon; search finds only what is left.
    const hist = await b.call('history', { roomId: room.id });
    expect(hist.messages.map((m: { text: string }) => m.text)).toEqual(['qzxfreshmarker still here']);
    expect(hist.end).toBe(true);
    for (const word of ['qzxoldmarker', 'qzxreplymarker', 'qzxlatereply', 'qzxeditmarker', 'hunter2', 'draft']) {
      expect((await b.call('search', { query: word })).hits, word).toEqual([]);
    }
    expect((await b.call('search', { query: 'qzxfreshmarker' })).hits).toHaveLength(1);
    expect((await b.request('thread.history', { roomId: room.id, threadId: old.id })).ok).toBe(false);
    expect((await b.request('reaction.add', { messageId: old.id, emoji: '🎉' })).error.code).toBe('NOT_FOUND');

    // The file is gone from disk and from the server.
    expect(blobsOnDisk(server.dataDir)).toEqual([]);
    const dl = await fetch(`${server.url}/api/files/${att.id}`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(dl.status).toBe(404);

    // A client syncing from 0 receives none of it, and every order is accounted for once.
    const c = await h.connect(server.url, alice.token);
    const all = await syncFromZero(c);
    expect(all.through).toBe(server.head());
    const dump = texts(all.events);
    for (const marker of ['qzxoldmarker', 'qzxreplymarker', 'qzxlatereply', 'qzxeditmarker', 'hunter2', 'first draft', old.id, reply.id, lateReply.id, att.id]) {
      expect(dump.includes(marker), marker).toBe(false);
    }
    expect(all.events.some((e) => e.type === 'expired')).toBe(false);
    expect(all.events.every((e) => decodeEvent(e) !== null)).toBe(true);
    // The log has no hole: every order up to the head is a row (tombstones included).
    const orders = (server.app.storage.db.prepare('SELECT event_order AS o FROM events ORDER BY event_order').all() as Array<{ o: number }>).map((r) => r.o);
    expect(orders).toEqual(Array.from({ length: server.head() }, (_, i) => i + 1));
    const tomb = server.app.storage.db.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'expired'").get() as { n: number };
    expect(tomb.n).toBeGreaterThanOrEqual(7); // created x3, two replies, reaction, edit

    // The state and a fresh fold agree: the room shows its horizon, only the fresh message remains.
    const state = await c.call('state');
    expect(state.rooms.find((r: { id: string }) => r.id === room.id).expiredThrough).toBe(horizon);
    const world = await foldFromZero(c, state);
    expect(world.rooms[room.id]!.expiredThrough).toBe(horizon);
    expect((world.messages[room.id] ?? []).map((m) => m.text)).toEqual(['qzxfreshmarker still here']);

    // A client resuming from before the horizon gets a clean replay, ending at the head.
    const resumed = await h.connect(server.url, alice.token, before);
    const replay = texts(resumed.replayed);
    for (const marker of ['qzxoldmarker', 'qzxreplymarker', 'qzxlatereply', 'qzxeditmarker', old.id]) expect(replay.includes(marker), marker).toBe(false);
    expect(resumed.replayed.some((e) => e.type === 'expired')).toBe(false);
    const lastReplay = resumed.frames.filter((f) => f.type === 'replay').at(-1)!;
    expect(lastReplay.through).toBe(server.head());
    expect(resumed.replayed.some((e) => e.type === 'room.updated' && e.data.room.expiredThrough === horizon)).toBe(true);
    expect(headBefore).toBeLessThan(server.head());

    // And the bytes are gone from the database file and its log.
    const db = databaseBytes(server.dataDir);
    for (const marker of ['qzxoldmarker', 'qzxreplymarker', 'qzxlatereply', 'qzxeditmarker', 'hunter2', 'blobmarker-7c1e']) {
      expect(db.includes(Buffer.from(marker)), marker).toBe(false);
    }
    expect(db.includes(Buffer.from('qzxfreshmarker'))).toBe(true);
  });

  it("a room's own policy overrides the server's default: forever, or shorter", async () => {
    const { server, clock, a, room } = await setup();
    const { room: keep } = await a.call('room.create', { name: 'archive' });
    const { room: short } = await a.call('room.create', { name: 'ephemeral' });
    const set = await a.call('room.retention', { roomId: keep.id, seconds: 0 });
    expect(set.room.retentionSec).toBe(0);
    await a.call('room.retention', { roomId: short.id, seconds: 86_400 });
    await say(a, room.id, 'default room, ten days old');
    await say(a, keep.id, 'kept room, ten days old');
    clock.now += 8 * DAY;
    await say(a, short.id, 'short room, two days old');
    await say(a, room.id, 'default room, two days old');
    clock.now += 2 * DAY;

    const dry = await server.app.services.retention.sweep({ dryRun: true });
    expect(dry.rooms.map((r) => [r.name, r.messages])).toEqual([['lobby', 1], ['ephemeral', 1]]);
    // A dry run deletes nothing.
    expect((await a.call('history', { roomId: room.id })).messages).toHaveLength(2);

    const report = await server.app.services.retention.sweep();
    expect(report.rooms.map((r) => [r.name, r.messages, r.policySec])).toEqual([['lobby', 1, WEEK_SEC], ['ephemeral', 1, 86_400]]);
    const textsOf = async (roomId: string) => (await a.call('history', { roomId })).messages.map((m: { text: string }) => m.text);
    expect(await textsOf(room.id)).toEqual(['default room, two days old']);
    expect(await textsOf(keep.id)).toEqual(['kept room, ten days old']);
    expect(await textsOf(short.id)).toEqual([]);

    // Back to the default: the kept room's old message goes at the next sweep.
    const back = await a.call('room.retention', { roomId: keep.id, seconds: null });
    expect(back.room.retentionSec).toBeUndefined();
    await server.app.services.retention.sweep();
    expect(await textsOf(keep.id)).toEqual([]);
    // Nothing left to expire: a sweep changes nothing and writes no event.
    const head = server.head();
    expect((await server.app.services.retention.sweep()).rooms).toEqual([]);
    expect(server.head()).toBe(head);
  });

  it("a sweep gives the search indexes' automatic merges back when it ends, also after one that was cut short; a live message goes through meanwhile", async () => {
    const { server, clock, a, room } = await setup();
    const db = server.app.storage.db;
    const automerge = () =>
      ['messages_fts_word_config', 'messages_fts_tri_config'].map(
        (t) => (db.prepare(`SELECT v FROM ${t} WHERE k = 'automerge'`).get() as { v: number } | undefined)?.v ?? null,
      );
    for (let i = 0; i < 30; i++) await say(a, room.id, `qzxmerge old words number ${i}`);
    // A sweep that crashed between holding and resuming left the merges held.
    db.exec("INSERT INTO messages_fts_word (messages_fts_word, rank) VALUES ('automerge', 0)");
    db.exec("INSERT INTO messages_fts_tri (messages_fts_tri, rank) VALUES ('automerge', 0)");
    expect(automerge()).toEqual([0, 0]);
    clock.now += 8 * DAY;
    // A live message sent while the sweep runs is committed too, after it or between its steps.
    const sweep = server.app.services.retention.sweep();
    const live = say(a, room.id, 'qzxlive sent during the sweep');
    const [report, kept] = await Promise.all([sweep, live]);
    expect(report.rooms[0]).toMatchObject({ messages: 30 });
    expect(automerge()).toEqual([4, 4]);
    expect((await a.call('search', { query: 'qzxmerge' })).hits).toEqual([]);
    expect((await a.call('history', { roomId: room.id })).messages.map((m: { id: string }) => m.id)).toEqual([kept.id]);
  });

  it('without any policy nothing expires; a policy is refused to normal users, and hidden rooms answer like missing ones', async () => {
    const { server, clock, a, b, room } = await setup(null);
    await say(a, room.id, 'a year old');
    clock.now += 365 * DAY;
    expect((await server.app.services.retention.sweep()).rooms).toEqual([]);
    expect((await a.call('history', { roomId: room.id })).messages).toHaveLength(1);

    // Bob may not set a policy on a room he sees; on a room he cannot see, the answer is the missing room's.
    expect((await refused(b, 'room.retention', { roomId: room.id, seconds: 86_400 })).code).toBe('FORBIDDEN');
    const { room: hidden } = await a.call('room.create', { name: 'staff' });
    await a.call('room.restrict', { roomId: hidden.id, roleIds: ['admin'] });
    const onHidden = await refused(b, 'room.retention', { roomId: hidden.id, seconds: 86_400 });
    const onMissing = await refused(b, 'room.retention', { roomId: 'nosuchroom000000', seconds: 86_400 });
    expect(onHidden).toEqual(onMissing);
    expect(onHidden.code).toBe('NOT_FOUND');
    // Out-of-range policies are bad requests.
    expect((await refused(a, 'room.retention', { roomId: room.id, seconds: 60 })).code).toBe('BAD_REQUEST');

    // The hidden room's policy and horizon never reach bob: not live, not in sync, not in state.
    await a.call('room.retention', { roomId: hidden.id, seconds: 86_400 });
    await say(a, hidden.id, 'staff only, soon expired');
    clock.now += 2 * DAY;
    const report = await server.app.services.retention.sweep();
    expect(report.rooms.map((r) => r.name)).toEqual(['staff']);
    const fresh = await h.connect(server.url, (await member(server.url, 'carol')).token);
    for (const c of [b, fresh]) {
      const { events } = await syncFromZero(c);
      expect(events.some((e) => e.roomId === hidden.id), 'sync').toBe(false);
      const state = await c.call('state');
      expect(state.rooms.some((r: { id: string }) => r.id === hidden.id), 'state').toBe(false);
    }
    // Bob saw the room while it was open; nothing about its policy or horizon reached him after.
    const told = b.events.filter((e) => e.event.roomId === hidden.id && (e.event.data.room?.retentionSec !== undefined || e.event.data.room?.expiredThrough !== undefined));
    expect(told, 'live').toEqual([]);
    expect(a.events.some((e) => e.event.roomId === hidden.id && e.event.data.room?.expiredThrough !== undefined), 'the owner is told').toBe(true);
  });

  it("removes the file of a message its author deleted from disk once nothing carries it; keeps one another message still carries", async () => {
    const { server, alice, a, room } = await setup(null);
    const bytes = new TextEncoder().encode('shared bytes of two uploads');
    const one = await uploadFile(server.url, alice.token, { name: 'one.txt', size: bytes.byteLength, body: bytes });
    const two = await uploadFile(server.url, alice.token, { name: 'two.txt', size: bytes.byteLength, body: bytes });
    const other = new TextEncoder().encode('only in a deleted message');
    const three = await uploadFile(server.url, alice.token, { name: 'three.txt', size: other.byteLength, body: other });
    const unsent = await uploadFile(server.url, alice.token, { name: 'later.txt', size: 5, body: new TextEncoder().encode('later') });
    const m1 = await say(a, room.id, 'first copy', { attachments: [one.id] });
    await say(a, room.id, 'second copy', { attachments: [two.id] });
    const m3 = await say(a, room.id, 'to be deleted', { attachments: [three.id] });
    expect(blobsOnDisk(server.dataDir)).toHaveLength(3);
    await a.call('message.delete', { messageId: m1.id });
    await a.call('message.delete', { messageId: m3.id });

    const report = await server.app.services.retention.sweep();
    // one.txt's row goes; its blob stays for two.txt; three.txt's blob goes; the unsent upload stays.
    expect(report).toMatchObject({ files: 2, blobs: 1 });
    expect(blobsOnDisk(server.dataDir)).toHaveLength(2);
    const get = (id: string) => fetch(`${server.url}/api/files/${id}`, { headers: { authorization: `Bearer ${alice.token}` } }).then((r) => r.status);
    expect(await get(two.id)).toBe(200);
    expect(await get(unsent.id)).toBe(200);
    expect(await get(one.id)).toBe(404);
    expect(await get(three.id)).toBe(404);
    // The same bytes uploaded again are kept again.
    const again = await uploadFile(server.url, alice.token, { name: 'again.txt', size: other.byteLength, body: other });
    expect(await get(again.id)).toBe(200);
  });

  it('collects uploads no message ever carried once past the grace period, with their blobs unless another file uses them; avatars stay', async () => {
    const { server, clock, alice, a, room } = await setup(null);
    const up = (name: string, text: string) => {
      const body = new TextEncoder().encode(text);
      return uploadFile(server.url, alice.token, { name, size: body.byteLength, body });
    };
    const get = (id: string) => fetch(`${server.url}/api/files/${id}`, { headers: { authorization: `Bearer ${alice.token}` } }).then((r) => r.status);
    const forgotten = await up('forgotten.txt', 'never sent anywhere');
    const twin = await up('twin.txt', 'bytes a sent file shares');
    const sent = await up('sent.txt', 'bytes a sent file shares');
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3366ff' } }).png().toBuffer();
    const avatar = await uploadFile(server.url, alice.token, { name: 'me.png', size: png.byteLength, body: png });
    await a.call('profile.set', { avatarFileId: avatar.id });
    await say(a, room.id, 'with a file', { attachments: [sent.id] });
    // Three contents (an image's thumbnail may be a blob of its own).
    const before = blobsOnDisk(server.dataDir).length;
    expect(before).toBeGreaterThanOrEqual(3);

    // Within the grace period (a day) nothing goes: the message that carries an upload may still be written.
    clock.now += 12 * 3_600_000;
    expect(await server.app.services.retention.sweep()).toMatchObject({ files: 0, unsent: 0, blobs: 0 });
    expect(await get(forgotten.id)).toBe(200);

    clock.now += 13 * 3_600_000;
    const fresh = await up('fresh.txt', 'uploaded just now');
    const report = await server.app.services.retention.sweep();
    // forgotten.txt: row and blob; twin.txt: its row only (sent.txt holds the same bytes); the rest stay.
    expect(report).toMatchObject({ files: 2, unsent: 2, blobs: 1 });
    expect(await get(forgotten.id)).toBe(404);
    expect(await get(twin.id)).toBe(404);
    expect(await get(sent.id)).toBe(200);
    expect(await get(avatar.id)).toBe(200);
    expect(await get(fresh.id)).toBe(200);
    // One blob gone, fresh.txt's come.
    expect(blobsOnDisk(server.dataDir)).toHaveLength(before);
    // A collected upload cannot be attached any more: the send is refused, nothing dangles.
    expect((await refused(a, 'message.send', { roomId: room.id, text: 'late', nonce: 'late', attachments: [forgotten.id] })).code).toBe('BAD_REQUEST');
    // The command line says so.
    expect(formatSweep(report)).toMatch(/2 removed \(2 uploaded but never sent\), 1 from disk/);
    // Once the avatar is replaced, it is an upload nothing carries, and goes at the next sweep.
    await a.call('profile.set', { avatarFileId: null });
    expect(await server.app.services.retention.sweep()).toMatchObject({ files: 1, unsent: 1 });
    expect(await get(avatar.id)).toBe(404);
    expect(blobsOnDisk(server.dataDir).length).toBeLessThan(before);
  });

  it("warming reads every block of both search indexes a chunk at a time, then says it is done", async () => {
    const { server, a, room } = await setup();
    for (const text of ['deploy the build', '今日は会議があります', 'lunch at noon', '明日のリリース']) await say(a, room.id, text);
    // Search once: pending messages are indexed before a search runs.
    await a.call('search', { query: 'deploy' });
    const repo = server.app.storage.retention;
    const db = server.app.storage.db;
    const blocks = ['messages_fts_word_data', 'messages_fts_tri_data'].map((t) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n);
    expect(blocks[1]).toBeGreaterThan(0);
    const seen: number[] = [0, 0];
    let at: WarmPosition | null = WARM_START;
    let steps = 0;
    while (at !== null && steps < 1000) {
      const next: WarmPosition | null = await repo.warmSearchIndex(at, 1);
      if (next) seen[next.index]!++;
      at = next;
      steps++;
    }
    expect(at).toBeNull();
    // One block a step: every block of each index but the last chunk's (the call that comes up short ends it).
    expect(seen[0]).toBeGreaterThanOrEqual(blocks[0]! - 1);
    expect(seen[1]).toBeGreaterThanOrEqual(blocks[1]! - 1);
  });

  it("a reader who never read the room counts only what the sweep left: exact after it, and clear once read", async () => {
    const { server, clock, a, b, room } = await setup();
    for (let i = 0; i < 30; i++) await say(a, room.id, `old ${i}`);
    const root = await say(a, room.id, 'an old root');
    clock.now += 8 * DAY;
    // A reply shown in the room, newer than the policy: it goes with its expired root.
    await say(a, room.id, 'a reply', { threadId: root.id, alsoInRoom: true });
    await say(a, room.id, 'new one');
    await say(a, room.id, 'new two');
    expect((await b.call('state')).unread[room.id]).toEqual({ count: 34, mentions: 0 });
    await server.app.services.retention.sweep();
    expect((await b.call('state')).unread[room.id]).toEqual({ count: 2, mentions: 0 });
    await b.call('read.mark', { roomId: room.id, order: server.head() });
    expect((await b.call('state')).unread[room.id]).toEqual({ count: 0, mentions: 0 });
  });

  it('od-server retention: a dry run prints per room what would go, then a sweep deletes it', async () => {
    const { server, clock, a, room } = await setup(null);
    await say(a, room.id, 'old news');
    await say(a, room.id, 'older news');
    clock.now += 40 * DAY;
    const dry = await retentionSweep(server.dataDir, { dryRun: true, retentionSec: 30 * 86_400 });
    // The command line runs on the wall clock: the messages are "now" there, so nothing has expired yet.
    expect(formatSweep(dry)).toBe('nothing has expired');
    const report = await server.app.services.retention.sweep({ dryRun: true });
    expect(formatSweep(report)).toBe('nothing has expired');
    await a.call('room.retention', { roomId: room.id, seconds: 30 * 86_400 });
    expect(formatSweep(await server.app.services.retention.sweep({ dryRun: true }))).toBe('#lobby (keeps 30d): would delete 2 messages');
    expect(formatSweep(await server.app.services.retention.sweep())).toMatch(/^#lobby \(keeps 30d\): deleted 2 messages\ndatabase files scrubbed$/);
  });
  it('an expired forum post goes with its root: title, tags and bookmarks, from lists, tag search, sync and the file', async () => {
    const { server, clock, a, b } = await setup();
    const { room: board } = await a.call('room.create', { name: 'ideas', kind: 'forum' });
    await b.call('room.join', { roomId: board.id });
    const { post } = await a.call('post.create', { roomId: board.id, title: 'qzxposttitle secret plans', text: 'body #qzxtag', nonce: 'p1' });
    await b.call('bookmark.add', { postId: post.id });
    clock.now += 8 * DAY;
    const { post: fresh } = await a.call('post.create', { roomId: board.id, title: 'qzxfreshpost', text: 'still #qzxtag', nonce: 'p2' });
    await server.app.services.retention.sweep();

    const list = await b.call('post.list', { roomId: board.id });
    expect([...list.pinned, ...list.posts].map((p: { id: string }) => p.id)).toEqual([fresh.id]);
    expect((await b.call('post.tagged', { tag: '#qzxtag' })).posts.map((p: { id: string }) => p.id)).toEqual([fresh.id]);
    expect((await b.call('bookmark.list', {})).posts).toEqual([]);
    expect((await refused(b, 'post.get', { postId: post.id })).code).toBe('NOT_FOUND');
    const c = await h.connect(server.url, (await member(server.url, 'carol')).token);
    expect(texts((await syncFromZero(c)).events)).not.toContain('qzxposttitle');
    expect(texts((await syncFromZero(b)).events)).not.toContain('qzxposttitle');
    expect(databaseBytes(server.dataDir).includes('qzxposttitle')).toBe(false);
  });
});
