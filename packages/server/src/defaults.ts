import { DEFAULT_MAX_UPLOAD_BYTES, LIMITS } from '@open-discord/protocol';

/*
 * THE server defaults: `startServer` (the library) and `od-server start` (the command line, whose --help
 * prints them) both take every default from here, so the two cannot drift apart.
 */

export type Rate = { perSec: number; burst: number };

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
  /** Writes per second per user, burst twice that (the command line's `--message-rate N`). */
  messageRate: { perSec: 10, burst: 20 } as Rate | null,
  /** Read cost units per second per user, burst ten times that (`--read-rate N`). */
  readRate: { perSec: 100, burst: 1000 } as Rate | null,
  authRate: { perSec: 5, burst: 50 } as Rate | null,
  frameRate: { perSec: 500, burst: 1000 } as Rate,
  snapshotThreshold: 10_000,
  allowedOrigins: [] as string[],
  foreignPollMs: 250,
  /** How often messages sent since are tokenised for search (a search also indexes them first). */
  searchIndexMs: 100,
  /** Others see a user offline this long after their last connection closed (a reconnect does not flap). */
  presenceGraceMs: 10_000,
  /** The running server rewrites `<data-dir>/status.json` (counts for `od-server stats`) this often. */
  statusIntervalMs: 5000,
  /** The room a fresh community starts with (created once, on an empty log). */
  firstRoom: 'general' as string | null,
  /** The largest upload (`--max-upload-mb`), refused before its body is read. */
  maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
  /** The default retention for rooms without their own policy (`--retention 30d`), in seconds; null keeps forever. */
  retentionSec: null as number | null,
  /** How often the retention sweeper deletes what has expired. */
  retentionSweepMs: 3_600_000,
  /** Malformed frames tolerated per connection before closing with 4400. */
  maxMalformed: 100,
} as const;

/** The burst the command line pairs with a per-second rate: `--message-rate 10` is 10/s, burst 20. */
export const MESSAGE_BURST_FACTOR = 2;
export const READ_BURST_FACTOR = 10;
