import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';
import type { TokenPair } from '@open-discord/protocol';
import { startServer, type RunningServer, type ServerOptions } from '../src/index.js';
import { ACCOUNT_SAFETY_STEP, INBOX_FANOUT_STEP, INBOX_STEP, UNREAD_COUNTERS_STEP, VOICE_STEP } from '../src/adapters/sqlite/migrations.js';
import { UNDO_UNREAD_COUNTERS } from '../src/adapters/sqlite/unread-counters.js';

export const quiet = () => {};

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
}

/** Start a server on 127.0.0.1:0 in a temp dir with fast, quiet test settings. */
export async function testServer(over: Partial<ServerOptions> = {}): Promise<RunningServer & { dataDir: string }> {
  const dataDir = over.dataDir ?? tempDir();
  const server = await startServer({
    port: 0,
    registration: 'open',
    bcryptCost: 4,
    authRate: null,
    // The library's default write bucket (10/s) would refuse the bursts these tests send on purpose.
    messageRate: null,
    // Most tests count rooms and orders from an empty log; first-start.test.ts covers the default #general.
    firstRoom: null,
    // Offline at once when the last connection closes; presence tests that need the grace period set it.
    presenceGraceMs: 0,
    log: quiet,
    ...over,
    dataDir,
  });
  return Object.assign(server, { dataDir });
}

/**
 * A per-file cleanup stack, emptied (last in, first out) after every test, and a server factory that
 * registers its own teardown on it. Call once at the top of a test file.
 */
export function testScope() {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function setup(over: Partial<ServerOptions> = {}) {
    const server = await testServer(over);
    cleanups.push(() => fs.rmSync(server.dataDir, { recursive: true, force: true }));
    cleanups.push(() => server.close());
    return server;
  }
  return { cleanups, setup };
}

export async function post(url: string, p: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Sign up with the nickname equal to the username unless `extra` says otherwise (pass `nickname: undefined` for none). */
export async function signup(url: string, username: string, extra: Record<string, unknown> = {}): Promise<TokenPair> {
  const r = await post(url, '/api/signup', { username, password: 'correct horse', nickname: username, ...extra });
  if (r.status !== 200) throw new Error(`signup ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as TokenPair;
}

/** Wait for a condition that other I/O makes true; bounded so a broken test fails instead of hanging. */
export async function until(cond: () => boolean, what = 'condition', timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export type Frame = Record<string, any>;

/** A raw-frames test client: no protocol-client logic, so tests see exactly what the server sends. */
export class RawClient {
  readonly frames: Frame[] = [];
  closeCode: number | null = null;
  closeReason = '';
  private nextId = 1;
  private readonly waiters = new Map<string, (f: Frame) => void>();
  readonly opened: Promise<void>;

  constructor(
    readonly ws: WebSocket,
  ) {
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      this.frames.push(f);
      if (f.type === 'reply' && f.replyTo && this.waiters.has(f.replyTo)) {
        this.waiters.get(f.replyTo)!(f);
        this.waiters.delete(f.replyTo);
      }
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = String(reason);
    });
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
    const c = new RawClient(new WebSocket(url.replace(/^http/, 'ws') + '/ws', { headers }));
    await c.opened;
    return c;
  }

  /** Open, authenticate and wait for `ready` (and, when resuming, the end of the replay). */
  static async connect(url: string, token: string, resumeAfter?: number): Promise<RawClient> {
    const c = await RawClient.open(url);
    c.sendJson({ type: 'auth', token, ...(resumeAfter === undefined ? {} : { resumeAfter }) });
    await c.waitFrame((f) => f.type === 'ready');
    if (c.ready.replaying) await c.waitFrame((f) => f.type === 'replay' && f.more === false);
    return c;
  }

  get ready(): Frame {
    return this.frames.find((f) => f.type === 'ready')!;
  }

  sendJson(v: unknown): void {
    this.ws.send(JSON.stringify(v));
  }

  /** Send a request and wait for its reply; rejects if the connection closes first or nothing comes. */
  async request(type: string, params: Record<string, unknown> = {}): Promise<Frame> {
    const id = `r${this.nextId++}`;
    let reply: Frame | null = null;
    this.waiters.set(id, (f) => (reply = f));
    this.sendJson({ id, type, ...params });
    await until(() => reply !== null || this.closeCode !== null, `reply to ${type}`);
    if (!reply) throw new Error(`closed (${this.closeCode} ${this.closeReason}) before the reply to ${type}`);
    return reply;
  }

  /** Like request, but returns the result and throws on an error reply. */
  async call(type: string, params: Record<string, unknown> = {}): Promise<any> {
    const r = await this.request(type, params);
    if (!r.ok) throw new Error(`${type}: ${r.error.code} ${r.error.message}`);
    return r.result;
  }

  async waitFrame(pred: (f: Frame) => boolean, what = 'frame'): Promise<Frame> {
    await until(() => this.frames.some(pred) || this.closeCode !== null, what);
    const f = this.frames.find(pred);
    if (!f) throw new Error(`closed (${this.closeCode} ${this.closeReason}) while waiting for ${what}`);
    return f;
  }

  async waitClose(): Promise<number> {
    await until(() => this.closeCode !== null, 'close');
    return this.closeCode!;
  }

  /** Live events received, in order. */
  get events(): Frame[] {
    return this.frames.filter((f) => f.type === 'event');
  }

  /** Events from replay frames, in order. */
  get replayed(): Frame[] {
    return this.frames.filter((f) => f.type === 'replay').flatMap((f) => f.events);
  }

  close(): Promise<void> {
    if (this.closeCode !== null) return Promise.resolve();
    this.ws.close();
    return this.waitClose().then(() => {});
  }
}

/** Undo migration 8 (reactions), the newest: tests rolling the schema back by hand undo it first. */
export function undoMigration8(db: { exec(sql: string): unknown }): void {
  db.exec('DROP TABLE message_reactions;');
}

/**
 * Undo every migration after `version`, newest first, on a database opened with better-sqlite3, and set
 * `user_version` to it: tests that check an older migration build the newest schema, roll back to just
 * before the step they test, add rows in the old shape and reopen. A new migration adds its undo here.
 */
export function rollBackTo(db: { exec(sql: string): unknown; pragma(s: string, o?: { simple: boolean }): unknown }, version: number): void {
  const undo: Record<number, (d: { exec(sql: string): unknown }) => void> = {
    4: undoMigration4,
    5: undoMigration5,
    6: (d) => d.exec('ALTER TABLE users DROP COLUMN status_text; ALTER TABLE users DROP COLUMN presence_mode;'),
    7: (d) => d.exec('ALTER TABLE rooms DROP COLUMN slowmode_sec;'),
    8: undoMigration8,
    9: (d) => d.exec('DROP TABLE dm_rooms; DROP TABLE room_settings; DROP TABLE notify_defaults; DROP TABLE group_admins; DROP INDEX read_markers_room;'),
    10: undoMigration10,
    11: undoMigration11,
    12: undoMigration12,
    // 13: blocks, and the word index with 4-character prefixes.
    13: (d) =>
      d.exec(`DROP TABLE user_blocks; DROP TABLE messages_fts_word;
        CREATE VIRTUAL TABLE messages_fts_word USING fts5(
          text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
        INSERT INTO messages_fts_word (rowid, text)
          SELECT event_order, text FROM messages
          WHERE deleted = 0 AND text != '' AND event_order NOT IN (SELECT event_order FROM search_pending);`),
    14: (d) => d.exec('DROP INDEX message_mentions_message; ALTER TABLE rooms DROP COLUMN retention_sec; ALTER TABLE rooms DROP COLUMN expired_through;'),
    [ACCOUNT_SAFETY_STEP]: (d) =>
      d.exec(
        'DROP TABLE two_factor; DROP TABLE recovery_codes; DROP TABLE two_factor_roles; DROP TABLE sessions; ALTER TABLE reset_codes DROP COLUMN clears_two_factor; DROP INDEX message_reactions_user; DROP INDEX files_uploader;',
      ),
    // The forum's step (17 once the other branches' steps are merged before it).
    16: undoForumMigration,
    [INBOX_STEP]: (d) => d.exec('DROP TRIGGER inbox_message_removed; DROP TABLE inbox_items; DROP TABLE inbox_settings;'),
    18: (d) => d.exec('DROP TABLE audit_log; DROP TABLE name_holds;'),
    19: (d) => d.exec('DROP INDEX app_passwords_user; DROP TABLE app_passwords;'),
    // 20: the inbox's fan-out outbox.
    [INBOX_FANOUT_STEP]: (d) => d.exec('DROP TABLE inbox_fanout;'),
    [VOICE_STEP]: (d) => d.exec('DROP INDEX voice_participants_slot; DROP TABLE voice_participants;'),
    [UNREAD_COUNTERS_STEP]: (d) => d.exec(UNDO_UNREAD_COUNTERS),
  };
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v > version; v--) {
    const step = undo[v];
    if (!step) throw new Error(`no undo for migration ${v}`);
    step(db);
  }
  db.pragma(`user_version = ${version}`);
}

/** Undo the forum's migration (posts, tags, bookmarks, follows, profiles). */
export function undoForumMigration(db: { exec(sql: string): unknown }): void {
  db.exec(`
    DROP TRIGGER posts_root_deleted; DROP TRIGGER posts_root_removed;
    DROP TABLE posts; DROP TABLE post_tags; DROP TABLE bookmarks; DROP TABLE user_follows; DROP TABLE profiles;
  `);
}

/** Undo migration 11 (threads) on a database opened with better-sqlite3. */
export function undoMigration11(db: { exec(sql: string): unknown }): void {
  db.exec(`
    DROP TABLE thread_follows;
    DROP INDEX messages_thread_order;
    ALTER TABLE messages DROP COLUMN reply_count; ALTER TABLE messages DROP COLUMN last_reply_at;
    ALTER TABLE messages DROP COLUMN last_reply_order; ALTER TABLE messages DROP COLUMN last_reply_authors;
    ALTER TABLE message_mentions DROP COLUMN thread_only;
    DROP INDEX messages_room_order;
    ALTER TABLE messages DROP COLUMN thread_id; ALTER TABLE messages DROP COLUMN also_in_room;
    CREATE INDEX messages_room_order ON messages(room_id, event_order);
  `);
}

/**
 * Undo migration 12 (the search indexes and their triggers) on a database opened with better-sqlite3: tests
 * that roll the schema back by hand undo it before the older steps they check.
 */
export function undoMigration12(db: { exec(sql: string): unknown }): void {
  db.exec(`
    DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_update; DROP TRIGGER messages_fts_delete;
    DROP TABLE messages_fts_word; DROP TABLE messages_fts_tri; DROP TABLE search_pending; DROP INDEX messages_order;
  `);
}

/**
 * Undo migration 5 (room membership of text rooms, default rooms) on a database opened with better-sqlite3.
 * Tests that roll the schema back by hand to check an older migration undo the newest first (5, then 4).
 */
export function undoMigration5(db: { exec(sql: string): unknown }): void {
  db.exec(`
    DROP INDEX room_members_user;
    DELETE FROM room_members WHERE room_id IN (SELECT id FROM rooms WHERE kind = 'text');
    ALTER TABLE rooms DROP COLUMN auto_join;
  `);
}

/** Undo migration 10 (uploaded files and the messages that carry them). */
export function undoMigration10(db: { exec(sql: string): unknown }): void {
  db.exec(`
    DROP INDEX message_files_file; DROP TABLE message_files; DROP TABLE files;
    ALTER TABLE messages DROP COLUMN attachments;
  `);
}

/**
 * Undo migration 4 on a database opened with better-sqlite3, for tests that roll the schema back by hand
 * to check an older migration (they then set user_version to the version they test).
 */
export function undoMigration4(db: { exec(sql: string): unknown }): void {
  db.exec(`
    DROP INDEX invites_id; DROP INDEX invites_created_by; DROP INDEX messages_author;
    ALTER TABLE invites DROP COLUMN id; ALTER TABLE invites DROP COLUMN created_by;
    ALTER TABLE users DROP COLUMN highlights; DROP TABLE highlight_words;
  `);
}
