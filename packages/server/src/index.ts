import { randomBytes } from 'node:crypto';
import { CloseCode, LIMITS } from '@open-discord/protocol';
import { registerInternals } from './internals.js';
import { stderrLog } from './log.js';
import { createInvite, REFRESH_TOKEN_TTL_SEC, type Registration } from './services/auth.js';
import { createServices } from './services/index.js';
import { RateLimiter } from './services/rate-limit.js';
import { loadOrCreateSecret } from './services/secret.js';
import { Dispatcher } from './session/dispatcher.js';
import { closeRemovedUsers, registerCommunityHandlers } from './session/feature-handlers.js';
import { registerCoreHandlers } from './session/handlers.js';
import { Hub } from './session/hub.js';
import { ParseBudget } from './session/parse-budget.js';
import { Session } from './session/session.js';
import { OWNER_ROLE, Store, type Synchronous } from './store/store.js';
import { createHttpApi } from './transport/http-api.js';
import { startTransport } from './transport/server.js';
import { SERVER_VERSION } from './version.js';

export interface ServerOptions {
  dataDir: string;
  /** [127.0.0.1] */
  host?: string;
  /** [7331]; 0 picks a free port. */
  port?: number;
  /** ['invite'] */
  registration?: Registration;
  /** ['full']: every acknowledged write survives power loss. */
  synchronous?: Synchronous;
  /** [10] */
  bcryptCost?: number;
  /** [900] */
  accessTokenTtlSec?: number;
  /** [5000] */
  authTimeoutMs?: number;
  /** [30000] */
  pingIntervalMs?: number;
  /** Largest WebSocket frame in bytes [64 KiB]. */
  maxPayload?: number;
  /** Per-socket send buffer in bytes before the client is closed with 4429 [1 MiB]. */
  sendBufferCap?: number;
  /** [8] */
  maxConnectionsPerUser?: number;
  /** [64] */
  maxConnectionsPerIp?: number;
  /** Per-user write token bucket; null = unlimited [null]. */
  messageRate?: { perSec: number; burst: number } | null;
  /**
   * Per-user read token bucket in cost units (sync and state cost 20, history 5, other reads 1), so a
   * burst of full syncs cannot block everyone (a sync page costs the event loop ~10 ms: the burst is ~0.5 s
   * of it, then 5 pages/s); null = unlimited [100/s, burst 1000].
   */
  readRate?: { perSec: number; burst: number } | null;
  /** Per-address (and, tighter, per-username) login/signup bucket; null = unlimited [5/s, burst 50]. */
  authRate?: { perSec: number; burst: number } | null;
  /** Per-connection frame budget before closing with 4429 [500/s, burst 1000]. */
  frameRate?: { perSec: number; burst: number };
  /** A resume further behind than this many events gets snapshotRequired [10000]. */
  snapshotThreshold?: number;
  /** Origins allowed to open a WebSocket (no Origin header is always allowed) [none]. */
  allowedOrigins?: string[];
  /** How often to look for events the command line appended from another process, in ms [250]. */
  foreignPollMs?: number;
  now?: () => number;
  newId?: () => string;
  /** JSON lines to stderr by default; tests pass a no-op. */
  log?: (line: object) => void;
}

export interface RunningServer {
  /** http://HOST:PORT */
  url: string;
  port: number;
  /** The newest order in the event log. */
  head(): number;
  /** Set only when this start created the data dir's first (owner) invite. */
  firstRunInvite: string | null;
  /** Graceful: stop accepting, flush the commit queue, close sockets with 1001, close the database. */
  close(): Promise<void>;
}

/**
 * Random 96-bit ids (16 base64url characters), sliced from a pool of random bytes refilled 256 ids at a
 * time: the same ids as one randomBytes(12) per call, without a call into the system RNG per id (two per
 * message). Ids are unique and unguessable, though nothing relies on their secrecy (tokens have their own).
 */
const ID_BYTES = 12;
const ID_POOL = 256 * ID_BYTES;
let idPool = Buffer.alloc(0);
let idOffset = ID_POOL;
function defaultNewId(): string {
  if (idOffset >= ID_POOL) {
    idPool = randomBytes(ID_POOL);
    idOffset = 0;
  }
  const id = idPool.toString('base64url', idOffset, idOffset + ID_BYTES);
  idOffset += ID_BYTES;
  return id;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const now = opts.now ?? Date.now;
  const newId = opts.newId ?? defaultNewId;
  const log = (opts.log ?? stderrLog) as (line: Record<string, unknown>) => void;
  const host = opts.host ?? '127.0.0.1';

  const store = Store.open(opts.dataDir, { synchronous: opts.synchronous ?? 'full' });
  let transportStarted = false;
  try {
    const secret = loadOrCreateSecret(opts.dataDir);
    const services = createServices({
      store,
      now,
      newId,
      log,
      snapshotThreshold: opts.snapshotThreshold ?? 10_000,
      auth: {
        secret,
        registration: opts.registration ?? 'invite',
        bcryptCost: opts.bcryptCost ?? 10,
        accessTokenTtlSec: opts.accessTokenTtlSec ?? 900,
        refreshTokenTtlSec: REFRESH_TOKEN_TTL_SEC,
        authRate: opts.authRate === undefined ? { perSec: 5, burst: 50 } : opts.authRate,
      },
    });
    const { deps } = services;

    let firstRunInvite: string | null = null;
    if (store.users.count() === 0 && store.credentials.inviteCount() === 0) {
      firstRunInvite = createInvite({ store, now }, { uses: 1, roleId: OWNER_ROLE });
    }
    store.credentials.purgeExpiredTokens(now());

    const hub = new Hub(deps.access, log);
    deps.queue.setPublisher((events) => {
      hub.publish(events);
      closeRemovedUsers(hub, events);
    });
    services.state.isOnline = (id) => hub.isOnline(id);
    services.auth.onSessionsRevoked = (id) => hub.closeUser(id, CloseCode.UNAUTHORIZED, 'session revoked');
    services.auth.onFamilyRevoked = (family) => hub.closeFamily(family, CloseCode.UNAUTHORIZED, 'session revoked');

    const rate = opts.messageRate ?? null;
    const readRate = opts.readRate === undefined ? { perSec: 100, burst: 1000 } : opts.readRate;
    const dispatcher = new Dispatcher(
      rate ? new RateLimiter(rate.perSec, rate.burst, now) : null,
      readRate ? new RateLimiter(readRate.perSec, readRate.burst, now) : null,
    );
    registerCoreHandlers(dispatcher, services);
    registerCommunityHandlers(dispatcher, services);

    const sendBufferCap = opts.sendBufferCap ?? 1024 * 1024;
    const parseBudget = new ParseBudget(now);
    const sessionOptions = {
      parseBudget,
      serverVersion: SERVER_VERSION,
      authTimeoutMs: opts.authTimeoutMs ?? 5000,
      maxConnectionsPerUser: opts.maxConnectionsPerUser ?? 8,
      frameRate: opts.frameRate ?? { perSec: 500, burst: 1000 },
      maxMalformed: 100,
      replayHighWater: Math.floor(sendBufferCap / 2),
      now,
    };
    const transport = await startTransport({
      host,
      port: opts.port ?? 7331,
      maxPayload: opts.maxPayload ?? LIMITS.maxFrameBytes,
      sendBufferCap,
      pingIntervalMs: opts.pingIntervalMs ?? 30_000,
      maxConnectionsPerIp: opts.maxConnectionsPerIp ?? 64,
      allowedOrigins: opts.allowedOrigins ?? [],
      log,
      admit: (ip) => !parseBudget.blocked(ip, null),
      onRequest: createHttpApi(services),
      onConnection: (conn) => {
        const session = new Session(conn, hub, services, dispatcher, sessionOptions);
        return {
          message: (data, isBinary) => session.onMessage(data, isBinary),
          close: () => session.onClose(),
          overflow: () => session.close(CloseCode.TOO_SLOW, 'send buffer full; resume later'),
        };
      },
    });
    transportStarted = true;

    // When writes stop, fold the rest of the WAL into the database file and shrink the -wal file.
    const checkpoint = setInterval(() => deps.queue.checkpointIfIdle(), 10_000);
    checkpoint.unref();

    // The operator's command line writes events from another process; publish them live within a moment.
    const foreign = setInterval(() => deps.queue.absorbForeign(), opts.foreignPollMs ?? 250);
    foreign.unref();

    const url = `http://${host.includes(':') ? `[${host}]` : host}:${transport.port}`;
    log({ level: 'info', msg: 'listening', url, head: deps.queue.head });

    let closing: Promise<void> | null = null;
    const running: RunningServer = {
      url,
      port: transport.port,
      head: () => deps.queue.head,
      firstRunInvite,
      close() {
        closing ??= (async () => {
          transport.stopAccepting();
          clearInterval(checkpoint);
          clearInterval(foreign);
          deps.queue.close();
          // Let the flushed batch's replies go out before the sockets close.
          await new Promise((r) => setImmediate(r));
          hub.closeAll(CloseCode.GOING_AWAY, 'server shutting down');
          await transport.drain(2000);
          await services.auth.close();
          store.close();
          log({ level: 'info', msg: 'stopped' });
        })();
        return closing;
      },
    };
    registerInternals(running, { store, services, hub });
    return running;
  } catch (error) {
    if (!transportStarted) store.close();
    throw error;
  }
}

export type { Registration } from './services/auth.js';
export type { Synchronous } from './store/store.js';
