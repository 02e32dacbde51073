import { CloseCode, type KnownEvent, type PresenceStatus } from '@open-discord/protocol';
import type { AccessIndex, AccessView } from '../core/access.js';
import type { Log } from '../core/deps.js';
import type { StoredEvent } from '../ports/storage.js';
import { eventJson, liveEventFrame, presenceAllFrame, presenceFrame, typingFrame } from '../wire/encode.js';
import type { Json } from '../wire/types.js';
import { PresenceTracker } from './presence.js';
import type { Session } from './session.js';

const EMPTY: ReadonlySet<Session> = new Set();
/** A connection's idle state changes at most this often (the rest is coalesced: the last one wins). */
const IDLE_CHANGE_WINDOW_MS = 1000;

/**
 * Every authenticated connection, who is live, presence, and FAN-OUT.
 *
 * Fan-out finds an event's recipients through an index instead of testing every connection: private
 * events go to their target's connections, server-wide events and public rooms' metadata to all live
 * connections, a room's messages to the live connections of its members (O(members), not O(online)),
 * and restricted/dm/group rooms' metadata to a cached per-room audience of viewers. Each event is
 * serialised once, and one frame is built per distinct `prev` among its recipients (usually one), whose
 * bytes are shared by every recipient socket.
 */
export class Hub {
  private readonly byUser = new Map<string, Set<Session>>();
  private readonly live = new Set<Session>();
  private readonly liveByUser = new Map<string, Set<Session>>();
  /** Per room: the live sessions of users who may see it (for its metadata). */
  private readonly audiences = new Map<string, Session[]>();
  /** Per room: the live sessions of its members who may see it (for its messages). */
  private readonly memberAudiences = new Map<string, Session[]>();
  private audienceVersion = -1;

  /** Who is online, away or offline, from every live connection (session/presence.ts). */
  readonly presence: PresenceTracker;

  constructor(
    private readonly access: AccessIndex,
    private readonly log: Log,
    presenceGraceMs = 0,
  ) {
    this.presence = new PresenceTracker((userId, status) => this.announcePresence(userId, status), presenceGraceMs);
  }

  connectionsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Has a live connection (whatever others are shown: see presenceOf). */
  isOnline(userId: string): boolean {
    return (this.liveByUser.get(userId)?.size ?? 0) > 0;
  }

  /** What others are shown: never online for a user who chose to appear offline. */
  presenceOf(userId: string): PresenceStatus {
    return this.presence.status(userId);
  }

  /** A session's person went idle or came back (the `idle` frame); counts once the session is live. */
  setIdle(s: Session, idle: boolean): void {
    s.wantIdle = idle;
    // One change a second per connection at most: a client flipping its idle state as fast as it may send
    // frames would otherwise have the server announce presence to every connection that often. The last
    // state asked for is applied when the window ends.
    if (s.idleWindow === null) this.applyIdle(s);
  }

  private applyIdle(s: Session): void {
    if (s.idle === s.wantIdle) return;
    s.idle = s.wantIdle;
    if (this.live.has(s)) this.presence.idleChanged(s.userId!, s.idle);
    s.idleWindow = setTimeout(() => {
      s.idleWindow = null;
      this.applyIdle(s);
    }, IDLE_CHANGE_WINDOW_MS);
    s.idleWindow.unref?.();
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** Users with a live connection (for the operator's `od-server stats`). */
  get onlineUserCount(): number {
    return this.liveByUser.size;
  }

  /** An authenticated session (replaying or about to be live). */
  add(s: Session): void {
    const userId = s.userId!;
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(s);
  }

  /** The session's replay reached head: from now on it gets live events. */
  goLive(s: Session): void {
    const userId = s.userId!;
    this.live.add(s);
    let set = this.liveByUser.get(userId);
    if (!set) this.liveByUser.set(userId, (set = new Set()));
    set.add(s);
    this.dropAudiences();
    this.presence.connected(userId, s.idle);
    // Presence missed while away (or before the first connection) is replaced by who is present now.
    s.conn.sendShared(presenceAllFrame(this.presence.present()));
  }

  remove(s: Session): void {
    if (s.idleWindow) clearTimeout(s.idleWindow);
    s.idleWindow = null;
    const userId = s.userId;
    if (userId === null) return;
    const all = this.byUser.get(userId);
    all?.delete(s);
    if (all?.size === 0) this.byUser.delete(userId);
    if (this.live.delete(s)) {
      this.dropAudiences();
      const set = this.liveByUser.get(userId)!;
      set.delete(s);
      if (set.size === 0) this.liveByUser.delete(userId);
      this.presence.disconnected(userId, s.idle);
    }
  }

  /** Publish committed events, in order, to every live session allowed to see them. */
  publish(events: readonly StoredEvent[]): void {
    const view = this.access.current;
    if (!view) return this.cannotJudge();
    for (const e of events) {
      let json: Json<KnownEvent> | null = null;
      // Recipients nearly always share one `prev`; a map is only needed when they do not.
      let lastPrev = -1;
      let lastFrame: Buffer | null = null;
      let frames: Map<number, Buffer> | null = null;
      for (const s of this.recipients(view, e)) {
        const prev = s.accounted;
        if (prev !== lastPrev || !lastFrame) {
          if (lastFrame) (frames ??= new Map()).set(lastPrev, lastFrame);
          let frame = frames?.get(prev);
          if (!frame) {
            json ??= eventJson(e);
            frame = liveEventFrame(prev, json);
          }
          lastPrev = prev;
          lastFrame = frame;
        }
        s.accounted = e.order;
        s.conn.sendShared(lastFrame);
      }
    }
  }

  /**
   * Iterated, not copied: nothing in a send removes a session synchronously, and a removal during the loop
   * would only drop a session from a Set (safe while iterating) or from the audience map (whose arrays are
   * never mutated, only replaced).
   */
  private recipients(view: AccessView, e: StoredEvent): Iterable<Session> {
    if (e.targetUserId !== null) return this.liveByUser.get(e.targetUserId) ?? EMPTY;
    if (e.roomId === null) return this.live;
    if (!view.isViewerEvent(e.type)) return this.members(view, e.roomId);
    if (view.isPublic(e.roomId)) return this.live;
    return this.audience(view, e.roomId);
  }

  /** Caches derived from the access rules are dropped when the rules change (any invalidation). */
  private dropAudiences(): void {
    this.audiences.clear();
    this.memberAudiences.clear();
  }

  /** A room's cached audience in `cache`, built on first use; every cache goes when the access rules change. */
  private cached(cache: Map<string, Session[]>, roomId: string, build: () => Session[]): readonly Session[] {
    if (this.audienceVersion !== this.access.version) {
      this.dropAudiences();
      this.audienceVersion = this.access.version;
    }
    let out = cache.get(roomId);
    if (!out) cache.set(roomId, (out = build()));
    return out;
  }

  /**
   * The live sessions of a room's members who may see it, built from the room's member set (so a message
   * in a room of ten costs ten lookups whoever else is online) and kept like `audience`.
   */
  private members(view: AccessView, roomId: string): readonly Session[] {
    return this.cached(this.memberAudiences, roomId, () => {
      const out: Session[] = [];
      const room = view.room(roomId);
      if (room) {
        for (const userId of room.joined) {
          const sessions = this.liveByUser.get(userId);
          if (sessions && view.roomVisibleTo(userId, room)) for (const s of sessions) out.push(s);
        }
      }
      return out;
    });
  }

  /**
   * The access rules could not be loaded after a commit (the store failed meanwhile): nobody can be told
   * what they may see, and nothing may be skipped silently. Every live client is sent away to resume,
   * which replays what it missed once the store answers again.
   */
  private cannotJudge(): void {
    this.log({ level: 'error', msg: 'fan-out without access rules: live connections sent to resume', count: this.live.size });
    for (const s of [...this.live]) s.close(CloseCode.GOING_AWAY, 'server busy; reconnect');
  }

  /**
   * The live sessions of users who may see a restricted, dm or group room, built on first use from the
   * access index and kept until the index changes (any invalidation bumps its version) or a session goes
   * live or leaves. Fan-out in such a room is then O(its audience) instead of a visibility check for every
   * online user on every event.
   */
  private audience(view: AccessView, roomId: string): readonly Session[] {
    return this.cached(this.audiences, roomId, () => {
      const out: Session[] = [];
      const room = view.room(roomId);
      if (room) {
        for (const [userId, sessions] of this.liveByUser) {
          if (view.roomVisibleTo(userId, room)) for (const s of sessions) out.push(s);
        }
      }
      return out;
    });
  }

  /** Relay an ephemeral typing notice to others who can see the room (never stored). */
  typing(from: Session, roomId: string): void {
    const userId = from.userId!;
    // Ephemeral: while the rules are being reloaded, a typing notice is simply not relayed.
    const view = this.access.current;
    if (!view) return;
    const frame = typingFrame(roomId, userId);
    const audience = this.members(view, roomId);
    for (const s of audience) if (s.userId !== userId) s.conn.sendShared(frame);
  }

  /**
   * The live sessions of everyone who may see a room, joined or not (its metadata's audience): for ephemeral
   * notices about the room itself, such as who is speaking in a voice room. Empty while the rules reload.
   */
  viewers(roomId: string): Iterable<Session> {
    const view = this.access.current;
    if (!view) return EMPTY;
    return view.isPublic(roomId) ? this.live : this.audience(view, roomId);
  }

  private announcePresence(userId: string, status: PresenceStatus): void {
    const frame = presenceFrame(userId, status);
    for (const s of this.live) s.conn.sendShared(frame);
  }

  /** Close every connection of a user (logged out everywhere, password reset, removed). */
  closeUser(userId: string, code: number = CloseCode.UNAUTHORIZED, reason = 'session revoked'): void {
    const sessions = [...(this.byUser.get(userId) ?? EMPTY)];
    for (const s of sessions) s.close(code, reason);
    if (sessions.length) this.log({ level: 'info', msg: 'closed user connections', userId, count: sessions.length });
  }

  /** Close every connection authenticated by a token of this session family (logout, refresh-token reuse). */
  closeFamily(familyId: string, code: number = CloseCode.UNAUTHORIZED, reason = 'session revoked'): void {
    for (const set of [...this.byUser.values()]) for (const s of [...set]) if (s.family === familyId) s.close(code, reason);
  }

  stop(): void {
    this.presence.stop();
  }

  closeAll(code: number, reason: string): void {
    for (const set of [...this.byUser.values()]) for (const s of [...set]) s.close(code, reason);
  }
}
