import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/db.js';
import { UNREAD_COUNTERS_STEP } from '../src/adapters/sqlite/migrations.js';
import { SqliteMessagesRepo } from '../src/adapters/sqlite/messages-repo.js';
import { BulkRemovalCounts } from '../src/adapters/sqlite/unread-counters.js';
import { rollBackTo, tempDir } from './helpers.js';

/*
 * The room unread counters at the storage level, against a count from scratch, through what the request
 * paths of the model test do not reach: retention and account deletion remove message rows (anywhere in a
 * room: a thread's replies go with their root), the operator's command line writes, and the migration that
 * fills the counters of an existing database.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const USERS = ['u0', 'u1', 'u2'];
const ROOMS = ['r0', 'r1'];

/** A deterministic PRNG: the same run every time, and still a mix of everything. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function open(): { db: Db; dir: string } {
  const dir = tempDir();
  dirs.push(dir);
  const db = openDatabase(dir);
  // Rows are written directly here, without the users and rooms they name.
  db.pragma('foreign_keys = OFF');
  for (const r of ROOMS) db.prepare('INSERT INTO rooms (id, name, created_at) VALUES (?, ?, 0)').run(r, r);
  for (const u of USERS) for (const r of ROOMS) db.prepare('INSERT INTO room_members (room_id, user_id) VALUES (?, ?)').run(r, u);
  return { db, dir };
}

/** What the counters must say: live messages the room shows, by others, after the marker. */
function scan(db: Db, u: string, r: string): number {
  const marker = (db.prepare('SELECT event_order FROM read_markers WHERE user_id = ? AND room_id = ?').get(u, r) as { event_order: number } | undefined)?.event_order ?? 0;
  return (db.prepare(
    `SELECT COUNT(*) AS n FROM messages WHERE room_id = ? AND event_order > ? AND deleted = 0 AND author_id != ?
       AND (thread_id IS NULL OR also_in_room = 1)`,
  ).get(r, marker, u) as { n: number }).n;
}

function expectExact(db: Db, what: string): void {
  const repo = new SqliteMessagesRepo(db);
  for (const u of USERS) for (const r of ROOMS) expect(repo.unreadCount(u, r, -1), `${what}: ${u} in ${r}`).toBe(scan(db, u, r));
}

/** Random writes as every path makes them: sends, replies, deletes, removals (single and in bulk), markers moving both ways. */
function churn(db: Db, seed: number, steps: number, check: (what: string) => void): void {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let order = (db.prepare('SELECT COALESCE(MAX(event_order), 0) AS o FROM messages').get() as { o: number }).o;
  const ids = () => (db.prepare('SELECT id, room_id, thread_id FROM messages').all() as Array<{ id: string; room_id: string; thread_id: string | null }>);
  const insert = db.prepare(
    'INSERT INTO messages (id, room_id, author_id, text, event_order, created_at, thread_id, also_in_room) VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
  );
  const mark = db.prepare(
    `INSERT INTO read_markers (user_id, room_id, event_order) VALUES (?, ?, ?)
     ON CONFLICT (user_id, room_id) DO UPDATE SET event_order = excluded.event_order`,
  );
  const bulk = new BulkRemovalCounts(db);
  for (let i = 0; i < steps; i++) {
    const x = rnd();
    const all = ids();
    if (x < 0.45 || all.length === 0) {
      order++;
      const room = pick(ROOMS);
      const roots = all.filter((m) => m.room_id === room && m.thread_id === null);
      const reply = roots.length > 0 && rnd() < 0.4 ? pick(roots).id : null;
      insert.run(`m${order}`, room, pick(USERS), `text ${order}`, order, reply, reply && rnd() < 0.5 ? 1 : 0);
    } else if (x < 0.55) {
      db.prepare("UPDATE messages SET deleted = 1, text = '' WHERE id = ?").run(pick(all).id);
    } else if (x < 0.65) {
      // Retention: a root and its replies go together, wherever the replies are.
      const root = pick(all.filter((m) => m.thread_id === null).concat(all.slice(0, 1)));
      db.prepare('DELETE FROM messages WHERE id = ? OR thread_id = ?').run(root.id, root.id);
    } else if (x < 0.7) {
      // A sweep's batch as retention removes it: a few of the oldest and, with their roots, newer replies;
      // the counters are settled for all of them at once, then the rows go.
      const oldest = db.prepare('SELECT id FROM messages ORDER BY event_order LIMIT ?').all(1 + Math.floor(rnd() * 6)) as Array<{ id: string }>;
      const ids = [...oldest.map((m) => m.id), ...all.filter((m) => oldest.some((o) => o.id === m.thread_id)).map((m) => m.id)];
      const rooms = new Set(all.filter((m) => ids.includes(m.id)).map((m) => m.room_id));
      bulk.beforeRemoval(JSON.stringify(ids));
      db.prepare('DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
      for (const r of rooms) bulk.recount(r);
    } else if (x < 0.8) {
      db.prepare('UPDATE messages SET text = ? WHERE id = ?').run(`edited ${i}`, pick(all).id);
    } else {
      // Forward to somewhere near the head, or back (an unmark): the counts are recounted from there.
      mark.run(pick(USERS), pick(ROOMS), Math.max(0, order - Math.floor(rnd() * 12)));
    }
    check(`step ${i}`);
  }
}

describe('room unread counters', () => {
  it('stay exact through sends, replies, deletes, removals anywhere and markers moving both ways', () => {
    const { db } = open();
    churn(db, 7, 400, (what) => expectExact(db, what));
    db.close();
  });

  it('a member added later counts from their marker, and a rejoin keeps the row kept meanwhile', () => {
    const { db } = open();
    churn(db, 11, 60, () => {});
    db.prepare('DELETE FROM room_members WHERE room_id = ? AND user_id = ?').run('r0', 'u1');
    churn(db, 12, 60, () => {});
    db.prepare('INSERT INTO room_members (room_id, user_id) VALUES (?, ?)').run('r0', 'u1');
    db.prepare("INSERT INTO room_members (room_id, user_id) VALUES ('r0', 'u9')").run();
    const repo = new SqliteMessagesRepo(db);
    expectExact(db, 'after the rejoin');
    expect(repo.unreadCount('u9', 'r0', -1)).toBe(scan(db, 'u9', 'r0'));
    db.close();
  });

  it('the migration fills the counters of an existing database exactly, and they keep up from there', () => {
    const { db, dir } = open();
    churn(db, 3, 150, () => {});
    rollBackTo(db, UNREAD_COUNTERS_STEP - 1);
    // What an older server writes meanwhile (no counters), then a restart migrates it.
    db.prepare("INSERT INTO messages (id, room_id, author_id, text, event_order, created_at) VALUES ('late', 'r1', 'u2', 'x', 100000, 0)").run();
    db.prepare("UPDATE messages SET deleted = 1 WHERE id IN (SELECT id FROM messages WHERE room_id = 'r0' ORDER BY event_order DESC LIMIT 2)").run();
    db.close();
    const again = openDatabase(dir);
    again.pragma('foreign_keys = OFF');
    expectExact(again, 'after the migration');
    churn(again, 4, 100, (what) => expectExact(again, what));
    again.close();
  });
});
