import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../src/app.js';
import { searchRebuild } from '../src/cli/search.js';
import { SqliteStorage as Store } from '../src/adapters/sqlite/storage.js';
import { quiet, rollBackTo, tempDir } from './helpers.js';

/*
 * The search indexes as projections: filled by their migration from existing messages, rebuilt from the
 * messages table, and a group one leaves no longer searched. Services over a real SQLite file, no sockets.
 */
let dir: string;
let store: Store;
let s: Awaited<ReturnType<typeof createServices>>;
let ids = 0;

async function open() {
  store = Store.open(dir);
  s = await createServices({
    storage: store,
    now: () => 1_700_000_000_000,
    newId: () => `id${++ids}`,
    log: quiet,
    snapshotThreshold: 10_000,
    auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
  });
}

beforeEach(async () => {
  dir = tempDir();
  await open();
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const user = async (name: string) =>
  (await s.auth.signup({ username: name, password: 'correct horse', nickname: name }, '127.0.0.1')).user.id;
const send = (userId: string, roomId: string, text: string) => s.messages.send(userId, { roomId, text, nonce: `${text}-${++ids}` });
const found = async (userId: string, query: string) => (await s.search.messages(userId, { query })).hits.map((h) => h.message.text);

describe('search index', () => {
  it('its migration fills it from the messages already stored, leaving deleted ones out', async () => {
    const alice = await user('alice');
    const { room } = await s.rooms.create(alice, { name: 'lobby' });
    await send(alice, room.id, 'older words 旧的消息');
    const gone = (await send(alice, room.id, 'deleted words')).message;
    await s.messageChanges.delete(alice, { messageId: gone.id });
    store.close();
    // Back to the schema before the search step (12; later steps undone first), then open: the steps run again.
    const db = new Database(path.join(dir, 'od.sqlite'));
    rollBackTo(db, 11);
    db.close();
    await open();
    expect(await found(alice, 'words')).toEqual(['older words 旧的消息']);
    expect(await found(alice, '旧的消')).toEqual(['older words 旧的消息']);
  });

  it('a new message is indexed off the send path: pending after its commit, found by the next search, gone from the queue', async () => {
    const alice = await user('alice');
    const { room } = await s.rooms.create(alice, { name: 'lobby' });
    await send(alice, room.id, 'fresh 新しい言葉');
    const pending = () => (store.db.prepare('SELECT COUNT(*) AS n FROM search_pending').get() as { n: number }).n;
    const indexed = () => (store.db.prepare("SELECT COUNT(*) AS n FROM messages_fts_word WHERE messages_fts_word MATCH 'fresh'").get() as { n: number }).n;
    expect(pending()).toBe(1);
    expect(indexed()).toBe(0);
    expect(await found(alice, 'fresh')).toEqual(['fresh 新しい言葉']);
    expect(await found(alice, '新しい')).toEqual(['fresh 新しい言葉']);
    expect(pending()).toBe(0);
    expect(indexed()).toBe(1);
    // An edit while pending, and a delete: the old text is never found, the new one is.
    const m = (await send(alice, room.id, 'draft words')).message;
    await s.messageChanges.edit(alice, { messageId: m.id, text: 'final words' });
    expect(await found(alice, 'draft')).toEqual([]);
    expect(await found(alice, 'final')).toEqual(['final words']);
    await s.messageChanges.delete(alice, { messageId: m.id });
    expect(await found(alice, 'final')).toEqual([]);
    // The background indexer empties the queue by itself.
    await send(alice, room.id, 'later words');
    const stop = s.search.startIndexer(5);
    try {
      while (pending() > 0) await new Promise((r) => setTimeout(r, 5));
    } finally {
      stop();
    }
    expect(indexed()).toBe(1);
    expect((store.db.prepare("SELECT COUNT(*) AS n FROM messages_fts_word WHERE messages_fts_word MATCH 'later'").get() as { n: number }).n).toBe(1);
  });

  it('rebuild restores it from the messages table', async () => {
    const alice = await user('alice');
    const { room } = await s.rooms.create(alice, { name: 'lobby' });
    await send(alice, room.id, 'alpha 甲乙丙丁');
    const edited = (await send(alice, room.id, 'beta')).message;
    await s.messageChanges.edit(alice, { messageId: edited.id, text: 'gamma' });
    // New messages are indexed off the send path: index them, then lose the indexes by hand.
    await s.search.catchUp();
    store.db.exec(`INSERT INTO messages_fts_word (messages_fts_word) VALUES ('delete-all');
                   INSERT INTO messages_fts_tri (messages_fts_tri) VALUES ('delete-all');`);
    expect(await found(alice, 'alpha')).toEqual([]);
    expect(await store.transaction(() => store.search.rebuild())).toEqual({ messages: 2 });
    expect(await found(alice, 'alpha')).toEqual(['alpha 甲乙丙丁']);
    expect(await found(alice, '甲乙丙')).toEqual(['alpha 甲乙丙丁']);
    expect(await found(alice, 'gamma')).toEqual(['gamma']);
    expect(await found(alice, 'beta')).toEqual([]);
    // The operator's command does the same from its own connection.
    store.db.exec(`INSERT INTO messages_fts_word (messages_fts_word) VALUES ('delete-all')`);
    expect(await found(alice, 'gamma')).toEqual([]);
    expect(await searchRebuild(dir)).toBe(2);
    expect(await found(alice, 'gamma')).toEqual(['gamma']);
  });

  it('a group one has left never hits (a group is visible to its members only)', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    // No request creates groups yet: make one the way its feature's storage would.
    await store.transaction(async () => {
      await store.rooms.insert({ id: 'g1', name: 'trip', topic: '', kind: 'group', categoryId: null, position: 0, restrictedTo: null, createdBy: alice, createdAt: 1, autoJoin: false });
      await store.rooms.addMember('g1', alice);
      await store.rooms.addMember('g1', bob);
    });
    s.deps.access.invalidate();
    await send(alice, 'g1', 'meet at the station 车站见');
    expect(await found(bob, 'station')).toEqual(['meet at the station 车站见']);
    expect(await found(bob, '车站')).toEqual(['meet at the station 车站见']);
    await store.transaction(() => store.rooms.removeMember('g1', bob));
    s.deps.access.invalidate();
    expect(await found(bob, 'station')).toEqual([]);
    expect(await found(bob, '车站')).toEqual([]);
    expect(await found(bob, '车站见')).toEqual([]);
    await expect(s.search.messages(bob, { query: 'station', roomId: 'g1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await found(alice, 'station')).toEqual(['meet at the station 车站见']);
  });
});
