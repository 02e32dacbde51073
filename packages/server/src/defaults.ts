import { DEFAULT_MAX_UPLOAD_BYTES, LIMITS } from '@open-discord/protocol';
import type { WriteKind } from './core/write-limits.js';

/*
 * THE server defaults: `startServer` (the library) and `od-server start` (the command line, whose --help
 * prints them) both take every default from here, so the two cannot drift apart.
 */

/** A token bucket: refills `perSec` tokens a second up to `burst`. */
export type Rate = { perSec: number; burst: number };

/**
 * Every kind of write's default bucket, per user (the kinds: core/write-limits.ts). A person chatting stays
 * far below each; the bursts absorb a client catching up after a reconnect (re-sent messages, a run of read
 * markers) and a moderator acting on a raid. `--message-rate` sets the message kind, `--rate-limits` any.
 */
const WRITE_RATES: Readonly<Record<WriteKind, Rate | null>> = {
  message: { perSec: 10, burst: 20 },
  edit: { perSec: 5, burst: 20 },
  reaction: { perSec: 10, burst: 30 },
  membership: { perSec: 2, burst: 20 },
  // Each of these is announced to every connection on the server.
  profile: { perSec: 1, burst: 20 },
  rooms: { perSec: 2, burst: 20 },
  moderation: { perSec: 5, burst: 50 },
  // Private to their user: cheap, and a client marks rooms read as fast as someone switches between them.
  markers: { perSec: 20, burst: 100 },
  // Each streams up to the size cap to disk and may re-encode an image (the bytes also count to the quota).
  upload: { perSec: 0.5, burst: 10 },
  // A write request no kind lists (core/write-limits.ts WRITE_KIND).
  other: { perSec: 10, burst: 20 },
};

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 7331,
  registration: 'invite' as 'invite' | 'open' | 'closed',
  synchronous: 'full' as 'full' | 'normal',
  bcryptCost: 10,
  accessTokenTtlSec: 900,
  authTimeoutMs: 5000,
  pingIntervalMs: 30_000,
  maxPayload: LIMITS.maxFrameBytes,
  sendBufferCap: 1024 * 1024,
  maxConnectionsPerUser: 8,
  maxConnectionsPerIp: 64,
  /** Messages per second per user, burst twice that (the command line's `--message-rate N`). */
  messageRate: WRITE_RATES.message,
  /** Every kind of write's bucket (`--rate-limits kind=N[/B],…`). */
  writeRates: WRITE_RATES,
  /** Read cost units per second per user, burst ten times that (`--read-rate N`). */
  readRate: { perSec: 100, burst: 1000 } as Rate | null,
  authRate: { perSec: 5, burst: 50 } as Rate | null,
  frameRate: { perSec: 500, burst: 1000 } as Rate,
  snapshotThreshold: 10_000,
  allowedOrigins: [] as string[],
  foreignPollMs: 250,
  /** On PostgreSQL, other nodes' batches arrive by NOTIFY: this poll is only the safety net (1–2 s). */
  pgPollMs: 1500,
  /**
   * New messages are tokenised for search in batches: once none has come for `idleMs`, or when `backlog`
   * wait (a search also indexes what waits first). See features/search/indexer.ts.
   */
  searchIndex: { idleMs: 200, backlog: 2000, batch: 2000 },
  /**
   * Inbox items a fan-out step writes (a post read by its author's followers goes out in steps of this many
   * users after the post's commit). See features/inbox/service.ts.
   */
  inboxFanoutChunk: 250,
  /** Others see a user offline this long after their last connection closed (a reconnect does not flap). */
  presenceGraceMs: 10_000,
  /** The running server rewrites `<data-dir>/status.json` (counts for `od-server stats`) this often. */
  statusIntervalMs: 5000,
  /** The IRC gateway (off unless `--irc` or `--irc-tls` is given): see docs/irc.md. */
  irc: {
    serverName: 'od.irc',
    network: 'od',
    /** Connections in all and per address (WebSocket connections have their own caps). */
    maxConnections: 5000,
    maxConnectionsPerIp: 64,
    registrationTimeoutMs: 30_000,
    pingIntervalMs: 90_000,
    sendBufferCap: 1024 * 1024,
    /** Fakelag: 20 lines at once, then 5 a second; 200 waiting lines and the client is disconnected. */
    flood: { burst: 20, perSec: 5, maxQueued: 200 } as { burst: number; perSec: number; maxQueued: number },
    /** Unread messages replayed per channel on JOIN. */
    replayLimit: 50,
  },
  /** The room a fresh community starts with (created once, on an empty log). */
  firstRoom: 'general' as string | null,
  /** The largest upload (`--max-upload-mb`), refused before its body is read. */
  maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
  /** Bytes one user may upload in any 24 hours (`--upload-quota-mb`); null: no quota. */
  uploadQuotaBytes: 1024 * 1024 * 1024 as number | null,
  /** The default retention for rooms without their own policy (`--retention 30d`), in seconds; null keeps forever. */
  retentionSec: null as number | null,
  /** How often the retention sweeper deletes what has expired. */
  retentionSweepMs: 3_600_000,
  /**
   * An upload no message has carried is collected by the sweeper once it is this old (a day: time enough to
   * write the message that carries it); its blob goes too when no other file row uses it.
   */
  unsentUploadGraceMs: 86_400_000,
  /**
   * Account deletion (`--deleted-messages`, `--name-hold`): what happens to a deleted account's messages in
   * shared rooms when the user does not choose, and how long its username and nickname stay held (seconds).
   */
  accountDeletion: { defaultMessages: 'erase' as 'erase' | 'keep', nameHoldSec: 90 * 86_400 },
  /** Malformed frames tolerated per connection before closing with 4400. */
  maxMalformed: 100,
} as const;

/** The burst the command line pairs with a per-second rate: `--message-rate 10` is 10/s, burst 20. */
export const MESSAGE_BURST_FACTOR = 2;
export const READ_BURST_FACTOR = 10;
