import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import { tempDir } from './helpers.js';

/*
 * The plans SQLite chooses for the reads whose cost must not grow with history or with other rooms: what
 * `state` counts per joined room, and what a short search term reads. A real SQLite file with the shipped
 * schema; the statements are the adapter's own (their SQL text), so a changed index or query shows here.
 */
let dir: string;
let store: SqliteStorage;
beforeEach(() => {
  dir = tempDir();
  store = SqliteStorage.open(dir);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const plan = (sql: string, ...args: unknown[]) =>
  (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail);
const sourceOf = (stmt: unknown) => (stmt as { source: string }).source;

describe('query plans', () => {
  it("a room's unread count in state is two primary-key lookups (its counters), whatever the backlog; a room without them walks the covering index", () => {
    const s = (store.messages as unknown as { s: { unread: unknown; unreadScan: unknown } }).s;
    const counters = plan(sourceOf(s.unread), 'me', 'room').join('\n');
    expect(counters).toMatch(/SEARCH rr USING INDEX sqlite_autoindex_room_reads_1 \(user_id=\? AND room_id=\?\)/);
    expect(counters).toMatch(/SEARCH r USING INDEX sqlite_autoindex_rooms_1 \(id=\?\)/);
    expect(counters).not.toMatch(/messages|SCAN/);
    const scan = plan(sourceOf(s.unreadScan), 'room', 10, 'me').join('\n');
    expect(scan).toMatch(/SEARCH messages USING COVERING INDEX messages_room_order \(room_id=\? AND event_order>\?\)/);
    expect(scan).not.toMatch(/SCAN messages/);
  });

  it("a short search term merges the allowed rooms' own index ranges: no scan of other rooms' messages", () => {
    const repo = store.search as unknown as { newestOf(r: string[], c: number, n: number): number[]; roomOrders: unknown[] };
    repo.newestOf(['a'], 100, 10);
    const detail = plan(sourceOf(repo.roomOrders[0]), 'room', 100);
    expect(detail.join('\n')).toMatch(/SEARCH messages USING COVERING INDEX messages_room_order \(room_id=\? AND event_order<\?\)/);
    expect(detail.join('\n')).not.toMatch(/TEMP B-TREE/);
  });
});
