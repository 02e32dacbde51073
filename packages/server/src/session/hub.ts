import { CloseCode } from '@open-discord/protocol';
import type { AccessIndex } from '../services/access.js';
import type { Log } from '../services/deps.js';
import { eventJson, type StoredEvent } from '../store/store.js';
import type { Session } from './session.js';

const EMPTY: ReadonlySet<Session> = new Set();

/**
 * Every authenticated connection, who is live, presence, and FAN-OUT.
 *
 * Fan-out finds an event's recipients through an index instead of testing every connection: private
 * events go to their target's connections, server-wide and public-room events to all live connections,
 * and only restricted/dm rooms are judged per connected USER (not per connection). Each event is
 * serialised once, and one frame is built per distinct `prev` among its recipients (usually one), whose
 * bytes are shared by every recipient socket.
 */
export class Hub {
  private readonly byUser = new Map<string, Set<Session>>();
  private readonly live = new Set<Session>();
  private readonly liveByUser = new Map<string, Set<Session>>();

  constructor(
    private readonly access: AccessIndex,
    private readonly log: Log,
  ) {}

  connectionsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  isOnline(userId: string): boolean {
    return (this.liveByUser.get(userId)?.size ?? 0) > 0;
  }

  get liveCount(): number {
    return this.live.size;
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
    if (set.size === 1) this.presence(userId, true);
  }

  remove(s: Session): void {
    const userId = s.userId;
    if (userId === null) return;
    const all = this.byUser.get(userId);
    all?.delete(s);
    if (all?.size === 0) this.byUser.delete(userId);
    if (this.live.delete(s)) {
      const set = this.liveByUser.get(userId)!;
      set.delete(s);
      if (set.size === 0) {
        this.liveByUser.delete(userId);
        this.presence(userId, false);
      }
    }
  }

  /** Publish committed events, in order, to every live session allowed to see them. */
  publish(events: readonly StoredEvent[]): void {
    for (const e of events) {
      const recipients = this.recipients(e);
      if (recipients.length === 0) continue;
      const json = eventJson(e);
      const frames = new Map<number, Buffer>();
      for (const s of recipients) {
        let frame = frames.get(s.accounted);
        if (!frame) {
          frame = Buffer.from(`{"type":"event","prev":${s.accounted},"event":${json}}`);
          frames.set(s.accounted, frame);
        }
        s.accounted = e.order;
        s.conn.sendShared(frame);
      }
    }
  }

  private recipients(e: StoredEvent): Session[] {
    if (e.targetUserId !== null) return [...(this.liveByUser.get(e.targetUserId) ?? EMPTY)];
    if (e.roomId === null || this.access.isPublic(e.roomId)) return [...this.live];
    const out: Session[] = [];
    for (const [userId, sessions] of this.liveByUser) {
      if (this.access.canSeeEvent(userId, e)) for (const s of sessions) out.push(s);
    }
    return out;
  }

  /** Relay an ephemeral typing notice to others who can see the room (never stored). */
  typing(from: Session, roomId: string): void {
    const userId = from.userId!;
    const frame = Buffer.from(JSON.stringify({ type: 'typing', roomId, userId }));
    const everyone = this.access.isPublic(roomId);
    for (const [uid, sessions] of this.liveByUser) {
      if (uid === userId) continue;
      if (!everyone && !this.access.canSeeRoom(uid, roomId)) continue;
      for (const s of sessions) s.conn.sendShared(frame);
    }
  }

  private presence(userId: string, online: boolean): void {
    const frame = Buffer.from(JSON.stringify({ type: 'presence', userId, online }));
    for (const s of this.live) s.conn.sendShared(frame);
  }

  /** Close every connection of a user (logged out everywhere, password reset, removed). */
  closeUser(userId: string, code: number = CloseCode.UNAUTHORIZED, reason = 'session revoked'): void {
    const sessions = [...(this.byUser.get(userId) ?? EMPTY)];
    for (const s of sessions) s.close(code, reason);
    if (sessions.length) this.log({ level: 'info', msg: 'closed user connections', userId, count: sessions.length });
  }

  closeAll(code: number, reason: string): void {
    for (const set of [...this.byUser.values()]) for (const s of [...set]) s.close(code, reason);
  }
}
