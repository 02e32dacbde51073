import type { ParsedParams, Room } from '@open-discord/protocol';
import { type Actor, requirePermission } from '../../core/authority.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { BlobStore } from '../files/blobs.js';
import type { RoomRow } from '../rooms/repository.js';
import { WARM_START, type WarmPosition } from './repository.js';
import { roomNotFound } from '../rooms/errors.js';

export interface RetentionOptions {
  /** The server's default policy in seconds (`--retention`); null keeps messages forever. */
  defaultSec: number | null;
  /** The files folder's blobs; null: this process keeps no files (removed rows' blobs stay for the server). */
  blobs: BlobStore | null;
  /** An upload no message has ever carried is collected once it is this old (ms; DEFAULTS.unsentUploadGraceMs). */
  unsentGraceMs?: number;
  /**
   * Messages scanned per commit-queue step; unset, steps are sized to take about 50 ms each (300 to 1000
   * messages), so that live writes between them wait little.
   */
  batch?: number;
}

/** What a sweep removed (or, dry, would remove) from one room. */
export interface RoomSweep {
  roomId: string;
  name: string;
  kind: RoomRow['kind'];
  /** The policy that applied, in seconds. */
  policySec: number;
  messages: number;
  replies: number;
  reactions: number;
  files: number;
  /** The room's horizon after the sweep (0: nothing has ever expired). */
  through: number;
  /** Its horizon before the sweep. */
  from: number;
}

export interface SweepReport {
  dryRun: boolean;
  /** Rooms with something expired, in the order swept. */
  rooms: RoomSweep[];
  /**
   * Files removed because no message carries them any more (expired or deleted by their authors), or because
   * none ever did (uploads never sent, past the grace period).
   */
  files: number;
  /** Of `files`, the uploads no message ever carried. */
  unsent: number;
  /** Blobs removed from disk. */
  blobs: number;
  /** The database's files were scrubbed afterwards (false: nothing was removed, or it must wait). */
  scrubbed: boolean;
}

/**
 * The first step's size: the smallest. The first steps meet cold pages (the search indexes' doclists, the
 * log), and a live message waits for the whole step it queued behind; steps grow as they turn out quick.
 */
export const DEFAULT_SWEEP_BATCH = 100;
/** Without an option: a day (the server passes DEFAULTS.unsentUploadGraceMs). */
const DEFAULT_UNSENT_GRACE_MS = 86_400_000;
/**
 * What a sweep step's own work should take (its commit's wait for the disk is not counted): a live message
 * that arrives while a step runs waits for the rest of it and its commit.
 */
const STEP_TARGET_MS = 25;
/**
 * Bounds of a step: below about a hundred messages the sweep is bound by commits (each one waits for the
 * disk) and a loaded machine made it crawl; with steps of 5000 the commit of one (tens of MB of pages) held
 * live messages up for 0.7 s at p99 (scripts/bench/retention.mjs).
 */
const STEP_MIN = 100;
const STEP_MAX = 1000;
/**
 * Before each step the sweep lets live writes go first: it waits while the commit queue has a batch queued or
 * in flight, but not longer than this, so a server that never goes quiet still gets swept.
 */
const YIELD_MAX_MS = 1000;

/** The next step's size in messages scanned, from how long the last one took. */
export function nextStepSize(limit: number, tookMs: number): number {
  if (tookMs > 2 * STEP_TARGET_MS) return Math.max(STEP_MIN, Math.floor(limit / 2));
  if (tookMs < STEP_TARGET_MS / 2) return Math.min(STEP_MAX, Math.ceil(limit * 1.25));
  return limit;
}
/** Log rows looked at per step when tombstoning the events that name removed messages. */
const LOG_RANGE = 5000;
/** Search index pages merged per step, during and after a sweep (64 took 0.2-0.4 s a step with its commit). */
const SEARCH_MERGE_PAGES = 32;
/**
 * Free pages handed back to the file system per step (4 MB of 4 KiB pages: moving a page rewrites the pages
 * that point at it, so a step stays a few tens of ms), and at most this many steps a sweep (16 GB).
 */
const RECLAIM_PAGES = 1024;
const RECLAIM_MAX_STEPS = 4096;
/** Search index blocks read per warming chunk (about 1 MB), and at most this many chunks (4 GB). */
const WARM_CHUNK_ROWS = 256;
const WARM_MAX_CHUNKS = 4096;
/** File rows looked at per step when collecting files nothing carries any more. */
const FILES_BATCH = 200;

/**
 * Retention: each room's policy (its own, or the server's default) and the sweeper that deletes what is older.
 * The sweep goes room by room in bounded steps through the commit queue (live writes are batched between
 * them), then removes the files nothing carries any more from disk (outside the queue), then has the
 * storage scrub its files so removed bytes cannot be read back from the database file or its log.
 */
export class RetentionService {
  private sweeping: Promise<SweepReport> | null = null;

  constructor(
    private readonly d: ServiceDeps,
    private readonly o: RetentionOptions,
  ) {}

  /** The policy that applies to a room, in seconds; null or 0: kept forever. */
  policyOf(row: Pick<RoomRow, 'retentionSec'>): number | null {
    return row.retentionSec === undefined || row.retentionSec === null ? this.o.defaultSec : row.retentionSec;
  }

  /**
   * Set a room's own policy (null: back to the server's default). Needs manage_rooms; a room the actor
   * cannot see answers like a missing one, before the permission is looked at, so a refusal tells nothing
   * about rooms one cannot see. The policy is room metadata: a `room.updated` every viewer receives.
   */
  setPolicy(actor: Actor, p: ParsedParams<'room.retention'>): Promise<{ room: Room }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      const view = await access.view();
      const row = await store.rooms.get(p.roomId);
      if (!row || row.deleted || (actor !== null && !view.canSeeRoom(actor, p.roomId))) throw roomNotFound();
      requirePermission(view, actor, 'manage_rooms', "set a room's retention");
      if ((row.retentionSec ?? null) === p.seconds) return { room: await store.rooms.toWire(row) };
      await store.retention.setPolicy(row.id, p.seconds);
      const room = await store.rooms.toWire({ ...row, retentionSec: p.seconds });
      w.emit({ type: 'room.updated', roomId: row.id, actorId: actor }, { room });
      return { room };
    });
  }

  /**
   * Delete everything older than each room's policy now (or, dry, only count it). One sweep at a time: a
   * second call while one runs gets the running one's report.
   */
  sweep(opts: { dryRun?: boolean } = {}): Promise<SweepReport> {
    if (opts.dryRun) return this.count();
    this.sweeping ??= this.run().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  /** Sweep every `intervalMs` (and once soon after start); returns the stop function. */
  startSweeper(intervalMs: number): () => void {
    const tick = () => {
      this.sweep().catch((error: unknown) => {
        // A full disk or a closing store: the next tick retries; nothing is half removed (steps are atomic).
        this.d.log({ level: 'warn', msg: 'retention sweep failed', error: error instanceof Error ? error.message : String(error) });
      });
    };
    const first = setTimeout(tick, Math.min(intervalMs, 60_000));
    const timer = setInterval(tick, intervalMs);
    first.unref();
    timer.unref();
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }

  private async count(): Promise<SweepReport> {
    const { store } = this.d;
    const now = this.d.now();
    const rooms: RoomSweep[] = [];
    for (const row of await store.rooms.all()) {
      const policy = this.policyOf(row);
      if (!policy) continue;
      const c = await store.retention.countExpired(row.id, now - policy * 1000);
      if (c.messages === 0) continue;
      rooms.push({ ...this.head(row, policy), messages: c.messages, replies: 0, reactions: c.reactions, files: c.files });
    }
    return { dryRun: true, rooms, files: rooms.reduce((n, r) => n + r.files, 0), unsent: 0, blobs: 0, scrubbed: false };
  }

  private head(row: RoomRow, policySec: number): Pick<RoomSweep, 'roomId' | 'name' | 'kind' | 'policySec' | 'through' | 'from'> {
    return { roomId: row.id, name: row.name, kind: row.kind, policySec, through: row.expiredThrough ?? 0, from: row.expiredThrough ?? 0 };
  }

  private async run(): Promise<SweepReport> {
    const { store, queue } = this.d;
    // Steps are sized by how long they take (a live message waits for at most the step before it): halved
    // when one took too long, grown while they are quick. A fixed size (`batch`) when given.
    const limit = this.o.batch ?? DEFAULT_SWEEP_BATCH;
    const byRoom = new Map<string, RoomSweep>();
    const cutoffs: Record<string, number> = {};
    let cursor = Number.MAX_SAFE_INTEGER;
    const now = this.d.now();
    for (const row of await store.rooms.all()) {
      const policy = this.policyOf(row);
      if (!policy) continue;
      // One cutoff per room for the whole sweep: what expires while it runs waits for the next one.
      cutoffs[row.id] = now - policy * 1000;
      byRoom.set(row.id, { ...this.head(row, policy), messages: 0, replies: 0, reactions: 0, files: 0 });
      cursor = Math.min(cursor, row.expiredThrough ?? 0);
    }
    // The search indexes' segments are merged in steps of their own (a bounded amount each, between the walk's
    // steps and after it), never by an automatic merge inside a step.
    const hold = Object.keys(cutoffs).length > 0;
    if (hold) await this.warm();
    if (hold) await queue.submit(async () => store.retention.holdSearchMerges(true));
    try {
      return await this.walk(cutoffs, byRoom, cursor, limit);
    } finally {
      if (hold) await queue.submit(async () => store.retention.holdSearchMerges(false)).catch((error: unknown) => {
        this.d.log({ level: 'warn', msg: 'retention: search merges stay held until the next sweep', error: error instanceof Error ? error.message : String(error) });
      });
    }
  }

  private async walk(cutoffs: Record<string, number>, byRoom: Map<string, RoomSweep>, start: number, firstLimit: number): Promise<SweepReport> {
    const { store, queue } = this.d;
    let limit = firstLimit;
    let cursor = start;
    const fileIds: string[] = [];
    // One walk of the messages in log order from the oldest horizon, a bounded step at a time.
    while (Object.keys(cutoffs).length > 0) {
      await this.yieldToLive();
      const after = cursor;
      let took = 0;
      const submitted = performance.now();
      const b = await queue.submit(async () => {
        // The step's own work: the commit's wait for the disk is shared with the live writes of its batch.
        const started = performance.now();
        const r = await store.retention.expireBatch(cutoffs, after, limit);
        took = performance.now() - started;
        return r;
      });
      if (this.o.batch === undefined) limit = nextStepSize(limit, took);
      for (const [roomId, x] of Object.entries(b.rooms)) {
        const r = byRoom.get(roomId)!;
        r.messages += x.messages;
        r.replies += x.replies;
        r.reactions += x.reactions;
        r.files += x.fileIds.length;
        r.through = Math.max(r.through, x.through);
        fileIds.push(...x.fileIds);
      }
      for (const roomId of b.stopped) delete cutoffs[roomId];
      if (b.done) break;
      cursor = b.cursor;
      // Half the time to live traffic: as long as this step took, committed, up to a tenth of a second (its
      // pages also keep the disk busy with their checkpoint, which live commits' fsyncs wait behind).
      const pause = Math.min(100, performance.now() - submitted);
      await new Promise((resolve) => setTimeout(resolve, pause));
      // The search segments this step added are merged a bounded amount at a time, in a step of their own.
      await this.yieldToLive();
      await queue.submit(async () => store.retention.mergeSearch(SEARCH_MERGE_PAGES));
    }
    const rooms = [...byRoom.values()].filter((r) => r.messages > 0);
    // Each swept room's readers counted again once (a step of its own per room), not once per removed message.
    for (const r of rooms) {
      await this.yieldToLive();
      await queue.submit(async () => store.retention.recountReaders(r.roomId));
    }
    if (rooms.length > 0) {
      // The new horizons are room metadata: one room.updated per room and sweep (all in one step: one commit),
      // so clients drop what they still show of it and stop asking for older history.
      await queue.submit(async (w) => {
        for (const r of rooms) {
          const now = await store.rooms.get(r.roomId);
          if (!now || now.deleted) continue;
          w.emit({ type: 'room.updated', roomId: r.roomId, actorId: null }, { room: await store.rooms.toWire(now) });
        }
      });
    }
    if (rooms.length > 0) {
      // Events that name a removed message (its edits, reactions, its thread's follows): one walk of the log
      // from the oldest horizon that moved, a bounded range per step.
      const swept = rooms.map((r) => r.roomId);
      const head = await store.events.head();
      for (let after = Math.min(...rooms.map((r) => r.from)); after < head; after += LOG_RANGE) {
        const upTo = Math.min(head, after + LOG_RANGE);
        await this.yieldToLive();
        await queue.submit(async () => void (await store.retention.tombstoneOrphans(swept, after, upTo)));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const { files, unsent, blobs } = await this.dropFiles(fileIds);
    const removedAnything = rooms.length > 0 || files > 0;
    let scrubbed = false;
    if (rooms.length > 0) {
      // The removed words leave the search indexes' pages: their segments are merged a few pages a step.
      while (await queue.submit(async () => store.retention.compactSearch(SEARCH_MERGE_PAGES))) {
        await new Promise((resolve) => setImmediate(resolve));
        await this.yieldToLive();
      }
    }
    if (removedAnything) {
      // Free pages go back to the file system a bounded number a step (the file shrinks at the scrub's
      // checkpoint), so a sweep's space comes back without a VACUUM that would hold every write for minutes.
      for (let left = Infinity, steps = 0; left > 0 && steps < RECLAIM_MAX_STEPS; steps++) {
        await this.yieldToLive();
        left = await queue.submit(async () => store.retention.reclaim(RECLAIM_PAGES));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (removedAnything) {
      // A fresh turn: no unit of work of this connection is open.
      await new Promise((resolve) => setImmediate(resolve));
      scrubbed = await store.retention.scrub();
    }
    if (removedAnything) {
      this.d.log({ level: 'info', msg: 'retention sweep', rooms: rooms.length, messages: rooms.reduce((n, r) => n + r.messages, 0), files, unsent, blobs, scrubbed });
    }
    return { dryRun: false, rooms, files, unsent, blobs, scrubbed };
  }

  /**
   * Read the search indexes' pages once, a bounded chunk at a time outside the commit queue and letting live
   * writes go between chunks, so that the walk's first steps do not read them from disk while live messages
   * wait behind them: deleting a message's entries touches a page of every doclist it is in, and at a million
   * messages the first steps of a cold sweep took 0.2–0.95 s each (scripts/bench/retention.mjs).
   */
  private async warm(): Promise<void> {
    const { store } = this.d;
    for (let at: WarmPosition | null = WARM_START, chunks = 0; at !== null && chunks < WARM_MAX_CHUNKS; chunks++) {
      await this.yieldToLive();
      at = await store.retention.warmSearchIndex(at, WARM_CHUNK_ROWS);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Wait (up to YIELD_MAX_MS) until no live batch is queued or being committed: live writes go first. */
  private async yieldToLive(): Promise<void> {
    const { queue } = this.d;
    const until = performance.now() + YIELD_MAX_MS;
    while (queue.busy && performance.now() < until) await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * File rows nothing carries any more (expired now, or deleted by their authors before) or ever carried (an
   * upload never sent, older than the grace period: time to write its message), then their blobs.
   */
  private async dropFiles(expired: readonly string[]): Promise<{ files: number; unsent: number; blobs: number }> {
    const { store, queue } = this.d;
    let files = 0;
    let unsent = 0;
    const shas = new Set<string>();
    let pending = [...expired];
    const unsentBefore = this.d.now() - (this.o.unsentGraceMs ?? DEFAULT_UNSENT_GRACE_MS);
    for (;;) {
      const ids = pending.splice(0, FILES_BATCH);
      const r = await queue.submit(async () => store.retention.dropFiles(ids, FILES_BATCH, unsentBefore));
      files += r.files;
      unsent += r.unsent;
      for (const s of r.blobs) shas.add(s);
      if (pending.length === 0 && !r.more) break;
    }
    let blobs = 0;
    const disk = this.o.blobs;
    if (disk) {
      for (const sha of shas) {
        // Checked again now: an upload of the same bytes may have committed a row since the step.
        if (disk.pinned(sha) || (await store.retention.blobInUse(sha))) continue;
        if (await disk.remove(sha)) blobs++;
      }
    }
    return { files, unsent, blobs };
  }
}
