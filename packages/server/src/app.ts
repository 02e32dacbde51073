import { AuditService } from './features/audit/service.js';
import type { DeletionOptions } from './features/account-security/deletion.js';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CloseCode, type TokenPair } from '@open-discord/protocol';
import { SqliteEventBus } from './adapters/sqlite/event-bus.js';
import { SqliteStorage, type Synchronous } from './adapters/sqlite/storage.js';
import { PostgresEventBus } from './adapters/postgres/event-bus.js';
import { type FeatureRepositories, PostgresStorage } from './adapters/postgres/storage.js';
import { AccessIndex } from './core/access.js';
import { AccessAdminService } from './core/access-admin.js';
import { CommitQueue } from './core/commit-queue.js';
import type { Log, ServiceDeps } from './core/deps.js';
import { RateLimiter } from './core/rate-limit.js';
import { type WriteKind, WriteLimits, writeRates } from './core/write-limits.js';
import { DEFAULTS, type Rate } from './defaults.js';
import { loadOrCreateSecret } from './features/accounts/secret.js';
import { AccountSecurityService } from './features/account-security/service.js';
import { AuthService, type AuthOptions, createInvite, REFRESH_TOKEN_TTL_SEC, type Registration } from './features/accounts/service.js';
import { CategoriesService } from './features/categories/service.js';
import { ConversationsService } from './features/conversations/service.js';
import { FEATURES, viewerEvents, visibilityEvents } from './features/index.js';
import { FilesService, type FilesOptions } from './features/files/service.js';
import { MembershipService } from './features/membership/service.js';
import { InvitesService } from './features/invites/service.js';
import { MessageChangesService } from './features/messages/changes.js';
import { MessagesService } from './features/messages/service.js';
import { SlowmodeCache } from './features/messages/slowmode.js';
import { ModerationService } from './features/moderation/service.js';
import { PresenceService } from './features/presence/service.js';
import { ProfileService } from './features/profile/service.js';
import { PeopleService } from './features/forum/people.js';
import { PostsService } from './features/forum/posts.js';
import { InboxService } from './features/inbox/service.js';
import { ReactionsService } from './features/reactions/service.js';
import { ReadMarkersService } from './features/read-markers/service.js';
import { RetentionService } from './features/retention/service.js';
import { ThreadsService } from './features/threads/service.js';
import { OWNER_ROLE } from './features/roles/repository.js';
import { RolesService } from './features/roles/service.js';
import { RoomSettingsService } from './features/room-settings/service.js';
import { BlocksService } from './features/blocks/service.js';
import { RoomAdminService } from './features/rooms/admin.js';
import { RoomsService } from './features/rooms/service.js';
import { SearchService } from './features/search/service.js';
import { StateService } from './features/sync/state.js';
import { TypingRelay } from './features/typing/relay.js';
import { VOICE_RELAY_DEFAULTS, VoiceRelay, type VoiceRelayOptions } from './features/voice/relay.js';
import { VoiceService } from './features/voice/service.js';
import { SyncService } from './features/sync/sync.js';
import { stderrLog } from './log.js';
import type { EventBus } from './ports/event-bus.js';
import type { Storage } from './ports/storage.js';
import { Dispatcher } from './session/dispatcher.js';
import { Hub } from './session/hub.js';
import { ParseBudget } from './session/parse-budget.js';
import { Session } from './session/session.js';
import type { Conn } from './session/conn.js';
import type { OpenSession } from './transport/irc/bridge.js';
import { createHttpApi } from './transport/http-api.js';
import { startTransport } from './transport/server.js';
import type { FloodRate } from './transport/irc/line-reader.js';
import { type IrcListener, startIrc } from './transport/irc/listener.js';
import { SERVER_VERSION } from './version.js';
import { decode } from './wire/encode.js';
import { writeStatusFile } from './ops/status-file.js';

/*
 * THE COMPOSITION ROOT: picks the adapters (SQLite storage and event bus), builds every feature's service
 * around them, registers the features' handlers and publish hooks, and starts the transport. Nothing else
 * constructs services or adapters; tests use `createServices` (no sockets) or what `startServer` returns.
 */

export interface ServerOptions {
  /** The secret key, uploads and status file; and the SQLite database unless `database` is set. */
  dataDir: string;
  /** A PostgreSQL URL (postgres://…): the community lives there instead of the SQLite file. */
  database?: string;
  /**
   * PostgreSQL only, until every feature's PostgreSQL repository is in this build: repositories to use for
   * the features the PostgreSQL adapter does not provide yet (start refuses, naming them, when any is missing).
   */
  postgresFeatureRepositories?: Partial<FeatureRepositories>;
  /** Every option below defaults to DEFAULTS (defaults.ts), shown by `od-server start --help`. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Serve https:// and wss:// with this PEM certificate chain and key (none: plain http). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  registration?: Registration;
  /** 'full': every acknowledged write survives power loss. */
  synchronous?: Synchronous;
  bcryptCost?: number;
  accessTokenTtlSec?: number;
  authTimeoutMs?: number;
  pingIntervalMs?: number;
  /** Largest WebSocket frame in bytes. */
  maxPayload?: number;
  /** Per-socket send buffer in bytes before the client is closed with 4429. */
  sendBufferCap?: number;
  maxConnectionsPerUser?: number;
  maxConnectionsPerIp?: number;
  /**
   * Per-user bucket for messages (the `message` kind of `writeRates`); null = unlimited. Null with no
   * `writeRates` also turns every other kind off, as it did when there was one bucket for every write.
   */
  messageRate?: Rate | null;
  /**
   * Per-user token buckets, one per kind of write (core/write-limits.ts): a kind left out keeps its
   * default (DEFAULTS.writeRates), a kind set to null is unlimited; null = every kind unlimited.
   */
  writeRates?: Partial<Record<WriteKind, Rate | null>> | null;
  /**
   * Per-user read token bucket in cost units (sync and state cost 20, history 5, other reads 1), so a
   * burst of full syncs cannot block everyone (a sync page costs the event loop ~10 ms: the burst is ~0.5 s
   * of it, then 5 pages/s); null = unlimited.
   */
  readRate?: Rate | null;
  /** Per-address (and, tighter, per-username) login/signup bucket; null = unlimited. */
  authRate?: Rate | null;
  /** Per-connection frame budget before closing with 4429. */
  frameRate?: Rate;
  /** A resume further behind than this many events gets snapshotRequired. */
  snapshotThreshold?: number;
  /** Origins allowed to open a WebSocket (no Origin header is always allowed). */
  allowedOrigins?: string[];
  /** How often to look for events the command line appended from another process, in ms. */
  foreignPollMs?: number;
  /** How long after a user's last connection closes before others see them offline (a reconnect does not flap). */
  presenceGraceMs?: number;
  /** How often the status file for `od-server stats` is rewritten, in ms. */
  statusIntervalMs?: number;
  now?: () => number;
  newId?: () => string;
  /**
   * The room a fresh community starts with (default `general`): created once, as a real room.created, when
   * the data folder's log is empty; never again (not after someone deletes it). null: none.
   */
  firstRoom?: string | null;
  /** JSON lines to stderr by default; tests pass a no-op. */
  log?: (line: object) => void;
  /** The largest upload in bytes, refused before its body is read. */
  maxUploadBytes?: number;
  /** Bytes one user may upload in any 24 hours; null = no quota. */
  uploadQuotaBytes?: number | null;
  /** The default retention in seconds for rooms without their own policy; null keeps messages forever. */
  retentionSec?: number | null;
  /** How often the retention sweeper runs, in ms. */
  retentionSweepMs?: number;
  /** How old an upload no message carries gets before the sweeper collects it, in ms. */
  unsentUploadGraceMs?: number;
  /** Account deletion: the default for messages (erase or keep) and how long old names stay held. */
  accountDeletion?: Partial<DeletionOptions>;
  /** Inbox items one fan-out step writes after a post's or comment's commit (tests lower it to see several steps). */
  inboxFanoutChunk?: number;
  /** The voice relay's limits (features/voice/relay.ts): backlog per listener, drops before removal, frame rate. */
  voice?: Partial<Pick<VoiceRelayOptions, 'maxBuffered' | 'dropLimit' | 'frameRate' | 'speakingTimeoutMs'>>;
  /** The IRC gateway (docs/irc.md); off when absent. */
  irc?: IrcServerOptions;
}

/** Where the IRC gateway listens and how it is limited; every knob left out takes DEFAULTS.irc. */
export interface IrcServerOptions {
  /** Plain-text listener. */
  listen?: { host: string; port: number };
  /** TLS listener, with `tls` (the server's certificate) unless its own is given here. */
  tlsListen?: { host: string; port: number; cert?: string | Buffer; key?: string | Buffer };
  serverName?: string;
  network?: string;
  motd?: string[];
  maxConnections?: number;
  maxConnectionsPerIp?: number;
  registrationTimeoutMs?: number;
  pingIntervalMs?: number;
  sendBufferCap?: number;
  flood?: FloodRate;
  replayLimit?: number;
}

/** Every feature's service, around one storage, one access index and one commit queue. */
export interface Services {
  deps: ServiceDeps;
  auth: AuthService;
  rooms: RoomsService;
  membership: MembershipService;
  messages: MessagesService;
  profile: ProfileService;
  presence: PresenceService;
  readMarkers: ReadMarkersService;
  sync: SyncService;
  state: StateService;
  accessAdmin: AccessAdminService;
  roles: RolesService;
  categories: CategoriesService;
  roomAdmin: RoomAdminService;
  moderation: ModerationService;
  messageChanges: MessageChangesService;
  invites: InvitesService;
  reactions: ReactionsService;
  conversations: ConversationsService;
  roomSettings: RoomSettingsService;
  files: FilesService;
  threads: ThreadsService;
  search: SearchService;
  blocks: BlocksService;
  retention: RetentionService;
  accountSecurity: AccountSecurityService;
  audit: AuditService;
  posts: PostsService;
  people: PeopleService;
  inbox: InboxService;
  voice: VoiceService;
}

export interface ServicesOptions {
  storage: Storage;
  /** Where committed events go; a bus with no listeners when omitted (services alone, as in the CLI). */
  bus?: EventBus;
  now: () => number;
  newId: () => string;
  log: Log;
  auth: AuthOptions;
  snapshotThreshold: number;
  /** Where uploads are kept; none: this process serves no files (the command line). */
  files?: FilesOptions;
  /** The server's default retention in seconds (none: keep forever). */
  retentionSec?: number | null;
  /** How old an upload no message carries gets before the sweeper collects it, in ms (DEFAULTS'). */
  unsentUploadGraceMs?: number;
  /** Account deletion: what happens to messages when the user does not say, how long old names stay held. */
  accountDeletion?: Partial<DeletionOptions>;
  /** Inbox items one fan-out step writes (DEFAULTS.inboxFanoutChunk). */
  inboxFanoutChunk?: number;
}

/** A bus that delivers in-process only (the command line: the running server picks its events up). */
function localBus(): EventBus {
  const listeners: Array<Parameters<EventBus['subscribe']>[0]> = [];
  return {
    publish: (events) => {
      for (const l of listeners) l(events);
    },
    subscribe: (l) => void listeners.push(l),
    watchForeign: () => {},
    close: () => {},
  };
}

/** Build every feature's service on the ports. */
export async function createServices(o: ServicesOptions): Promise<Services & { bus: EventBus }> {
  const bus = o.bus ?? localBus();
  const access = new AccessIndex(o.storage, viewerEvents(FEATURES));
  const head = await o.storage.events.head();
  const queue = new CommitQueue(o.storage, bus, access, visibilityEvents(FEATURES), o.now, o.newId, o.log, head);
  const deps: ServiceDeps = { store: o.storage, access, queue, now: o.now, newId: o.newId, log: o.log };
  // Slowmode is read on every send: kept in memory from the events, loaded once here.
  const slowmodes = new SlowmodeCache();
  await slowmodes.load(o.storage);
  bus.subscribe((events) => slowmodes.apply(events));
  queue.onForeignEvents((events) => slowmodes.apply(events));
  const readMarkers = new ReadMarkersService(deps);
  const threads = new ThreadsService(deps);
  const membership = new MembershipService(deps, readMarkers, threads);
  const rooms = new RoomsService(deps, membership);
  const accessAdmin = new AccessAdminService(deps);
  const reactions = new ReactionsService(deps);
  // Marking a room read reads its followed threads up to the same order (their counters are recounted).
  readMarkers.onRoomRead = (userId, roomId, order) => threads.roomRead(userId, roomId, order);
  const files = new FilesService(deps, o.files ?? { dir: null, maxBytes: 0 });
  const auth = new AuthService(deps, o.auth, membership);
  const messages = new MessagesService(deps, threads, slowmodes);
  const posts = new PostsService(deps, slowmodes);
  // Boards take comments on their posts only (and locked posts none); a comment moves its post's activity.
  messages.sendChecks.push((view, roomId, root, userId) => posts.checkSend(view, roomId, root, userId));
  messages.replyHooks.push((root, reply) => posts.commented(root, reply));
  const messageChanges = new MessageChangesService(deps, threads);
  // A post's body edited as a message: its hashtags follow.
  messageChanges.editHooks.push((w, row, text, actorId) => posts.rootEdited(w, row, text, actorId));
  // The inbox hears of news in its step: mentions, replies and reactions are written there (a reaction taken
  // back takes its item); posts and comments queue a fan-out job for their followers, written after commit.
  const inbox = new InboxService(deps, o.inboxFanoutChunk ?? DEFAULTS.inboxFanoutChunk);
  const voice = new VoiceService(deps);
  const state = new StateService(deps, rooms, threads);
  state.voiceIn = (visible) => voice.inRooms(visible);
  messages.createdHooks.push((w, view, row, root, mentioned) => inbox.messageCreated(w, view, row, root, mentioned));
  posts.createdHooks.push((w, view, post) => inbox.postCreated(w, view, post));
  reactions.addedHooks.push((w, view, row, userId, emoji, order) => inbox.reacted(w, view, row, userId, emoji, order));
  reactions.removedHooks.push((w, row, userId, emoji) => inbox.unreacted(w, row, userId, emoji));
  // Posts and comments written by another process (the operator's command line) may have left jobs queued.
  queue.onForeignEvents((events) => {
    if (events.some((e) => e.type === 'post.created' || e.type === 'message.created')) inbox.kickFanout();
  });
  return {
    bus,
    deps,
    auth,
    rooms,
    membership,
    messages,
    profile: new ProfileService(deps),
    presence: new PresenceService(deps),
    readMarkers,
    sync: new SyncService(deps, o.snapshotThreshold),
    state,
    accessAdmin,
    roles: new RolesService(deps, accessAdmin),
    categories: new CategoriesService(deps),
    roomAdmin: new RoomAdminService(deps, accessAdmin),
    moderation: new ModerationService(deps),
    messageChanges,
    invites: new InvitesService(deps),
    reactions,
    conversations: new ConversationsService(deps, readMarkers, threads),
    roomSettings: new RoomSettingsService(deps),
    files,
    threads,
    search: new SearchService(deps),
    blocks: new BlocksService(deps),
    // The command line has no files folder of its own: it names the data folder's, so a sweep run there
    // removes blobs too (uploads in flight are pinned in the server's process only: see BlobStore.pin).
    retention: new RetentionService(deps, {
      defaultSec: o.retentionSec ?? null,
      blobs: files.blobs,
      unsentGraceMs: o.unsentUploadGraceMs ?? DEFAULTS.unsentUploadGraceMs,
    }),
    accountSecurity: new AccountSecurityService(deps, auth, o.auth.secret, { ...DEFAULTS.accountDeletion, ...o.accountDeletion }, files.blobs),
    audit: new AuditService(deps),
    posts,
    people: new PeopleService(deps, posts),
    inbox,
    voice,
  };
}

/** What a running server is made of, for in-process tests and tools (e.g. granting a role as the operator). */
export interface App<S extends Storage = SqliteStorage> {
  /** SqliteStorage unless the server was started on PostgreSQL (`startServer<PostgresStorage>`). */
  storage: S;
  services: Services;
  hub: Hub;
  /** The voice relay (its counters are what the voice benchmark reads). */
  voice: VoiceRelay;
}

export interface RunningServer<S extends Storage = SqliteStorage> {
  /** http://HOST:PORT (https:// with TLS) */
  url: string;
  port: number;
  /** The newest order in the event log. */
  head(): number;
  /** The IRC gateway's bound ports (0: that listener is off); null when the gateway is off. */
  irc: { port: number; tlsPort: number } | null;
  /** Set only when this start created the data dir's first (owner) invite. */
  firstRunInvite: string | null;
  /** Graceful: stop accepting, flush the commit queue, close sockets with 1001, close the database. */
  close(): Promise<void>;
  /** The parts behind it; for tests and tools in this repository, not for library users. */
  readonly app: App<S>;
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

/** `undefined` means "the default"; `null` (where allowed) means "off". */
const or = <T>(v: T | undefined, d: T): T => (v === undefined ? d : v);

/** The write buckets in force: `writeRates` over the defaults, `messageRate` for messages (see ServerOptions). */
export function writeRatesOf(opts: Pick<ServerOptions, 'messageRate' | 'writeRates'>): Record<WriteKind, Rate | null> {
  const rates = writeRates(opts.writeRates === undefined && opts.messageRate === null ? null : opts.writeRates);
  if (opts.messageRate !== undefined) rates.message = opts.messageRate;
  return rates;
}

/**
 * Start a server. The type parameter names the engine the options pick (SQLite by default; a caller passing
 * `database` says `startServer<PostgresStorage>` to reach the PostgreSQL storage through `app.storage`).
 */
export async function startServer<S extends Storage = SqliteStorage>(opts: ServerOptions): Promise<RunningServer<S>> {
  const now = opts.now ?? Date.now;
  const newId = opts.newId ?? defaultNewId;
  const log = (opts.log ?? stderrLog) as Log;
  const host = opts.host ?? DEFAULTS.host;

  const { storage, sqlite } = await openStorage(opts, log);
  let transportStarted = false;
  try {
    const secret = loadOrCreateSecret(opts.dataDir);
    const bus: EventBus = sqlite
      ? new SqliteEventBus(opts.foreignPollMs ?? DEFAULTS.foreignPollMs)
      : new PostgresEventBus(opts.database!, { pollMs: opts.foreignPollMs ?? DEFAULTS.pgPollMs, log });
    // Keyed by user, shared by every connection of theirs (and by their uploads over HTTP).
    const writeLimits = new WriteLimits(writeRatesOf(opts), now);
    const services = await createServices({
      storage,
      bus,
      now,
      newId,
      log,
      snapshotThreshold: opts.snapshotThreshold ?? DEFAULTS.snapshotThreshold,
      files: {
        dir: path.join(opts.dataDir, 'files'),
        maxBytes: opts.maxUploadBytes ?? DEFAULTS.maxUploadBytes,
        quotaBytes: or(opts.uploadQuotaBytes, DEFAULTS.uploadQuotaBytes),
        limits: writeLimits,
      },
      retentionSec: or(opts.retentionSec, DEFAULTS.retentionSec),
      unsentUploadGraceMs: opts.unsentUploadGraceMs ?? DEFAULTS.unsentUploadGraceMs,
      ...(opts.accountDeletion && { accountDeletion: opts.accountDeletion }),
      ...(opts.inboxFanoutChunk !== undefined && { inboxFanoutChunk: opts.inboxFanoutChunk }),
      auth: {
        secret,
        registration: opts.registration ?? DEFAULTS.registration,
        bcryptCost: opts.bcryptCost ?? DEFAULTS.bcryptCost,
        accessTokenTtlSec: opts.accessTokenTtlSec ?? DEFAULTS.accessTokenTtlSec,
        refreshTokenTtlSec: REFRESH_TOKEN_TTL_SEC,
        authRate: or(opts.authRate, DEFAULTS.authRate),
      },
    });
    const { deps } = services;

    let firstRunInvite: string | null = null;
    if ((await storage.users.count()) === 0 && (await storage.credentials.inviteCount()) === 0) {
      firstRunInvite = await createInvite({ store: storage, now }, { uses: 1, roleId: OWNER_ROLE });
    }
    await storage.transaction(async () => {
      await storage.credentials.purgeExpiredTokens(now());
      await storage.accountSecurity.purgeSessions();
    });
    // A fresh community gets #general, so the owner's first screen is not empty.
    const firstRoom = opts.firstRoom === undefined ? DEFAULTS.firstRoom : opts.firstRoom;
    if (firstRoom !== null && deps.queue.head === 0 && (await storage.rooms.all()).length === 0) {
      await services.rooms.createFirstRoom(firstRoom);
    }

    const hub = new Hub(deps.access, log, opts.presenceGraceMs ?? DEFAULTS.presenceGraceMs);
    const hooks = FEATURES.flatMap((f) => (f.onPublished ? [f.onPublished] : []));
    bus.subscribe((events) => {
      hub.publish(events);
      for (const hook of hooks) hook(events, hub);
    });
    services.state.presenceOf = (id) => hub.presenceOf(id);
    // @here reaches who is shown online now (not away, not appearing offline).
    services.messages.isOnline = (id) => hub.presenceOf(id) === 'online';
    services.auth.onSessionsRevoked = (id) => hub.closeUser(id, CloseCode.UNAUTHORIZED, 'session revoked');
    services.auth.onFamilyRevoked = (family) => hub.closeFamily(family, CloseCode.UNAUTHORIZED, 'session revoked');

    // Voice: nobody is in a voice room when the server starts (their connections are gone): say so.
    await services.voice.clearAll('restart');
    const voiceRelay = new VoiceRelay(deps.access, hub, services.voice, { ...VOICE_RELAY_DEFAULTS, ...opts.voice, now, log });
    services.voice.onJoined = (connection, p) => {
      if (connection instanceof Session) voiceRelay.bind(connection, p);
    };
    const accessEvents = visibilityEvents(FEATURES);
    bus.subscribe((events) => {
      let accessChanged = false;
      for (const e of events) {
        if (e.type === 'voice.left') {
          const d = decode(e.dataJson);
          voiceRelay.left(d.userId, d.roomId);
        } else if (e.type === 'voice.updated') {
          const d = decode(e.dataJson);
          voiceRelay.updated(d.userId, d.roomId, d.muted, d.deafened);
        }
        else if (accessEvents.has(e.type) || e.type === 'room.deleted') accessChanged = true;
      }
      // Who may see what changed: participants who lost their room leave it (the relay already stopped them).
      if (accessChanged) void services.voice.dropUnseen().catch((error: unknown) => log({ level: 'error', msg: 'voice access check failed', error: String(error) }));
    });

    const readRate = or(opts.readRate, DEFAULTS.readRate);
    const dispatcher = new Dispatcher(writeLimits, readRate ? new RateLimiter(readRate.perSec, readRate.burst, now) : null);
    for (const f of FEATURES) f.register?.(dispatcher, services);
    dispatcher.gate = (ctx, type, write) => services.accountSecurity.gate(ctx.userId, type, write);
    dispatcher.aroundWrite = (ctx, type, params, run) => services.audit.around(ctx.userId, type, params as Record<string, unknown>, run);

    const sendBufferCap = opts.sendBufferCap ?? DEFAULTS.sendBufferCap;
    // Malformed input is budgeted per address and account across all their sockets, not only per socket.
    const parseBudget = new ParseBudget(now);
    const sessionOptions = {
      parseBudget,
      serverVersion: SERVER_VERSION,
      authTimeoutMs: opts.authTimeoutMs ?? DEFAULTS.authTimeoutMs,
      maxConnectionsPerUser: opts.maxConnectionsPerUser ?? DEFAULTS.maxConnectionsPerUser,
      frameRate: opts.frameRate ?? DEFAULTS.frameRate,
      maxMalformed: DEFAULTS.maxMalformed,
      replayHighWater: Math.floor(sendBufferCap / 2),
      typing: new TypingRelay(deps.access, hub, now),
      voice: voiceRelay,
      now,
    };
    const openSession = (conn: Conn) => {
      const session = new Session(conn, hub, services, dispatcher, sessionOptions);
      return {
        message: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => session.onMessage(data, isBinary),
        close: () => session.onClose(),
        overflow: () => session.close(CloseCode.TOO_SLOW, 'send buffer full; resume later'),
      };
    };
    const transport = await startTransport({
      host,
      port: opts.port ?? DEFAULTS.port,
      maxPayload: opts.maxPayload ?? DEFAULTS.maxPayload,
      sendBufferCap,
      pingIntervalMs: opts.pingIntervalMs ?? DEFAULTS.pingIntervalMs,
      maxConnectionsPerIp: opts.maxConnectionsPerIp ?? DEFAULTS.maxConnectionsPerIp,
      allowedOrigins: opts.allowedOrigins ?? DEFAULTS.allowedOrigins,
      log,
      ...(opts.tls && { tls: opts.tls }),
      admit: (ip) => !parseBudget.blocked(ip, null),
      onRequest: createHttpApi(services),
      onConnection: openSession,
    });
    transportStarted = true;
    let irc: IrcListener | null = null;
    try {
      irc = opts.irc ? await startIrcGateway(opts, services, openSession, now, log) : null;
    } catch (error) {
      transport.stopAccepting();
      await transport.drain(0);
      throw error;
    }

    // When writes stop, the storage folds the rest of its WAL into the database file.
    storage.startUpkeep(() => deps.queue.busy);
    // New messages are tokenised for search off the send path, in batches when the server is quiet.
    const indexer = services.search.startIndexer(DEFAULTS.searchIndex);
    bus.subscribe((events) => indexer.wake(events));
    // Expired content is deleted in bounded steps between live writes.
    const stopSweeper = services.retention.startSweeper(opts.retentionSweepMs ?? DEFAULTS.retentionSweepMs);
    // Inbox fan-out left queued by a stop or a crash goes out now.
    services.inbox.kickFanout();
    // The operator's command line writes events from another process; publish them live within a moment.
    bus.watchForeign(() => void deps.queue.absorbForeign());

    const url = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${transport.port}`;
    log({ level: 'info', msg: 'listening', url, head: deps.queue.head });
    // For `od-server stats` and `doctor` in another process: wall-clock times (not the injected clock).
    const startedAt = Date.now();
    const stopStatus = writeStatusFile(
      opts.dataDir,
      () => ({ pid: process.pid, version: SERVER_VERSION, url, startedAt, connections: hub.liveCount, onlineUsers: hub.onlineUserCount, head: deps.queue.head }),
      Date.now,
      opts.statusIntervalMs ?? DEFAULTS.statusIntervalMs,
    );

    let closing: Promise<void> | null = null;
    return {
      url,
      port: transport.port,
      head: () => deps.queue.head,
      firstRunInvite,
      irc: irc && { port: irc.port, tlsPort: irc.tlsPort },
      app: { storage: storage as S, services, hub, voice: voiceRelay },
      close() {
        closing ??= (async () => {
          transport.stopAccepting();
          irc?.stopAccepting();
          stopStatus();
          indexer.stop();
          stopSweeper();
          // Before the queue closes: the chunk in flight commits, the rest of a job waits for the next start.
          await services.inbox.stopFanout();
          storage.stopUpkeep();
          bus.close();
          await deps.queue.close();
          // Let the flushed batch's replies go out before the sockets close.
          await new Promise((r) => setImmediate(r));
          hub.closeAll(CloseCode.GOING_AWAY, 'server shutting down');
          hub.stop();
          voiceRelay.stop();
          await Promise.all([transport.drain(2000), irc?.drain(2000)]);
          await services.auth.close();
          await storage.close();
          log({ level: 'info', msg: 'stopped' });
        })();
        return closing;
      },
    };
  } catch (error) {
    if (!transportStarted) await storage.close();
    throw error;
  }
}

/** A database URL fit for a log line or an error: any password replaced. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unreadable URL)';
  }
}

/**
 * The engine: PostgreSQL when `database` names one (its schema brought up to date), else the SQLite file in
 * the data folder. PostgreSQL refuses to start while a feature's repository is missing from this build, naming
 * it, rather than failing requests later.
 */
async function openStorage(opts: ServerOptions, log: Log): Promise<{ storage: Storage; sqlite: SqliteStorage | null }> {
  if (opts.database === undefined) {
    const sqlite = SqliteStorage.open(opts.dataDir, { synchronous: opts.synchronous ?? DEFAULTS.synchronous, log });
    return { storage: sqlite, sqlite };
  }
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  let pg: PostgresStorage;
  try {
    pg = await PostgresStorage.open(opts.database, { log }, opts.postgresFeatureRepositories ?? {});
  } catch (error) {
    throw new Error(`cannot open the PostgreSQL database ${withoutPassword(opts.database)}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const missing = pg.missingRepositories();
  if (missing.length) {
    await pg.close();
    throw new Error(`PostgreSQL: this build has no PostgreSQL repository for ${missing.join(', ')}; od-server cannot run on PostgreSQL yet`);
  }
  return { storage: pg, sqlite: null };
}

/**
 * The IRC gateway over the same sessions as WebSocket clients. Its login is the accounts service's password
 * check with its rate limits; this is the one function to swap for app passwords (accounts with two-factor
 * login are refused with CODE_REQUIRED, which the gateway explains).
 */
async function startIrcGateway(opts: ServerOptions, services: Services, openSession: OpenSession, now: () => number, log: Log): Promise<IrcListener> {
  const o = opts.irc!;
  const d = DEFAULTS.irc;
  const tokens = (pair: TokenPair) => ({ accessToken: pair.accessToken, refreshToken: pair.refreshToken, userId: pair.user.id });
  const tlsCert = o.tlsListen?.cert ?? opts.tls?.cert;
  const tlsKey = o.tlsListen?.key ?? opts.tls?.key;
  if (o.tlsListen && (!tlsCert || !tlsKey)) throw new Error('the IRC TLS listener needs a certificate and key (--tls-cert, --tls-key)');
  return startIrc({
    ...(o.listen && { plain: o.listen }),
    ...(o.tlsListen && { tls: { host: o.tlsListen.host, port: o.tlsListen.port, cert: tlsCert!, key: tlsKey! } }),
    serverName: o.serverName ?? d.serverName,
    network: o.network ?? d.network,
    motd: o.motd ?? [],
    maxConnections: o.maxConnections ?? d.maxConnections,
    maxConnectionsPerIp: o.maxConnectionsPerIp ?? d.maxConnectionsPerIp,
    registrationTimeoutMs: o.registrationTimeoutMs ?? d.registrationTimeoutMs,
    pingIntervalMs: o.pingIntervalMs ?? d.pingIntervalMs,
    sendBufferCap: o.sendBufferCap ?? d.sendBufferCap,
    flood: o.flood ?? d.flood,
    replayLimit: o.replayLimit ?? d.replayLimit,
    now,
    log,
    login: async (username, password, ip) => tokens(await services.auth.login({ username, password, client: 'IRC' }, ip)),
    refresh: async (refreshToken) => tokens(await services.auth.refresh(refreshToken)),
    logout: (refreshToken) => services.auth.logout(refreshToken),
    openSession,
  });
}

/** The services of a data folder for one operator command (no sockets, no tokens signed), closed after `fn`. */
export async function withOperatorServices<T>(
  storage: SqliteStorage,
  fn: (s: Services, storage: SqliteStorage) => Promise<T>,
  extra: Pick<ServicesOptions, 'files' | 'retentionSec'> = {},
): Promise<T> {
  let services: Services | null = null;
  try {
    services = await createServices({
      ...extra,
      storage,
      now: Date.now,
      newId: () => randomBytes(12).toString('base64url'),
      log: () => {},
      snapshotThreshold: DEFAULTS.snapshotThreshold,
      // This process signs no tokens; the auth service needs a secret to exist, not the server's.
      auth: { secret: randomBytes(32), registration: 'closed', bcryptCost: 4, accessTokenTtlSec: 60, refreshTokenTtlSec: 60, authRate: null },
    });
    return await fn(services, storage);
  } finally {
    // A comment's fan-out this command started: its chunk finishes, the rest goes out from the server.
    await services?.inbox.stopFanout();
    // The auth service's hashing workers would keep the command's process alive after it is done.
    await services?.auth.close();
    storage.close();
  }
}
