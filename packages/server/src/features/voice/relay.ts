import { isVoiceFrame, VOICE_FLAG_END } from '@open-discord/protocol';
import type { AccessIndex } from '../../core/access.js';
import type { Log } from '../../core/deps.js';
import { RateLimiter } from '../../core/rate-limit.js';
import type { Hub } from '../../session/hub.js';
import type { Session } from '../../session/session.js';
import { voiceSpeakingFrame } from '../../wire/encode.js';
import type { VoiceRow } from './repository.js';
import type { VoiceService } from './service.js';

export interface VoiceRelayOptions {
  /** A listener with more than this many bytes waiting gets no audio (dropped for it, not buffered). */
  maxBuffered: number;
  /** Frames in a row dropped for one listener before it is taken out of voice (`slow`): it stopped reading. */
  dropLimit: number;
  /** Audio frames one user may send per second (20 ms frames are 50/s), and their burst. */
  frameRate: { perSec: number; burst: number };
  /** Without a frame for this long a speaker is shown silent (a lost END flag, a vanished client). */
  speakingTimeoutMs: number;
  now: () => number;
  log: Log;
}

export const VOICE_RELAY_DEFAULTS = {
  maxBuffered: 32 * 1024,
  dropLimit: 50,
  frameRate: { perSec: 100, burst: 200 },
  speakingTimeoutMs: 400,
};

/** A connection that joined a voice room, as the relay knows it. */
interface Joined {
  session: Session;
  userId: string;
  roomId: string;
  slot: number;
  muted: boolean;
  deafened: boolean;
  /** Audio frames dropped for it in a row (its socket had a backlog). */
  drops: number;
  /** Being taken out for not reading: no more frames, no second leave. */
  leaving: boolean;
  speaking: boolean;
  lastFrameAt: number;
}

/**
 * The selective forwarding relay: a participant's Opus frames go to the other participants of their voice
 * room as they are, with only the header's slot stamped by the server; nothing is decoded or mixed. Checked on
 * every frame: the sender is a participant of the room on this very connection, may still see it, and is not
 * muted; each listener may still see it, is not deafened, and has no backlog (else the frame is dropped for
 * it, and a listener that keeps not reading is taken out of voice without slowing anyone else). Who speaks is
 * told to the room's viewers as ephemeral frames on the first frame of a talk spurt and on its END (or a
 * timeout). In memory only: the participants' rows and events are the service's.
 */
export class VoiceRelay {
  private readonly bySession = new Map<Session, Joined>();
  private readonly byUser = new Map<string, Joined>();
  private readonly rooms = new Map<string, Set<Joined>>();
  private readonly limiter: RateLimiter;
  private speakingTimer: ReturnType<typeof setInterval> | null = null;
  /** Counters for the benchmark and logs. */
  readonly stats = { relayed: 0, sent: 0, dropped: 0, refused: 0 };

  constructor(
    private readonly access: AccessIndex,
    private readonly hub: Hub,
    private readonly service: VoiceService,
    private readonly o: VoiceRelayOptions,
  ) {
    this.limiter = new RateLimiter(o.frameRate.perSec, o.frameRate.burst, o.now);
  }

  /** The connection's voice.join committed: its frames are relayed from now on. */
  bind(session: Session, row: Pick<VoiceRow, 'userId' | 'roomId' | 'slot' | 'muted' | 'deafened'>): void {
    // The connection closed while its join was committing: it leaves at once.
    if (!session.isOpen) {
      void this.leave(row.userId, 'closed', row.roomId);
      return;
    }
    this.unbindUser(row.userId);
    const j: Joined = { session, ...row, drops: 0, leaving: false, speaking: false, lastFrameAt: 0 };
    this.bySession.set(session, j);
    this.byUser.set(row.userId, j);
    let set = this.rooms.get(row.roomId);
    if (!set) this.rooms.set(row.roomId, (set = new Set()));
    set.add(j);
  }

  /** voice.left published (whoever wrote it): that user's connection gets no more audio. */
  left(userId: string, roomId: string): void {
    const j = this.byUser.get(userId);
    if (j && j.roomId === roomId) this.unbindUser(userId);
  }

  /** voice.updated published. */
  updated(userId: string, roomId: string, muted: boolean, deafened: boolean): void {
    const j = this.byUser.get(userId);
    if (!j || j.roomId !== roomId) return;
    j.muted = muted;
    j.deafened = deafened;
    if (muted) this.setSpeaking(j, false);
  }

  /** A connection closed: if it is the one in voice, its user leaves (`closed`). */
  sessionClosed(session: Session): void {
    const j = this.bySession.get(session);
    if (!j) return;
    this.unbindUser(j.userId);
    void this.leave(j.userId, 'closed', j.roomId);
  }

  /** Is this connection the one in voice for its user (tests, the benchmark). */
  isBound(session: Session): boolean {
    return this.bySession.has(session);
  }

  /** A binary frame from a live connection. */
  frame(from: Session, data: Buffer): void {
    const j = this.bySession.get(from);
    const view = this.access.current;
    if (!j || j.leaving || j.muted || !view || !isVoiceFrame(data) || !view.canSeeRoom(j.userId, j.roomId) || this.limiter.take(j.userId) > 0) {
      this.stats.refused++;
      return;
    }
    // Our own copy: the bytes ws handed over may share memory with other frames of the same read.
    const out = Buffer.allocUnsafe(data.length);
    data.copy(out);
    out.writeUInt16BE(j.slot, 2);
    this.stats.relayed++;
    for (const l of this.rooms.get(j.roomId) ?? []) {
      if (l === j || l.deafened || l.leaving || !view.canSeeRoom(l.userId, l.roomId)) continue;
      if (l.session.conn.sendVoice(out, this.o.maxBuffered)) {
        l.drops = 0;
        this.stats.sent++;
      } else {
        this.stats.dropped++;
        if (++l.drops >= this.o.dropLimit) this.dropSlow(l);
      }
    }
    j.lastFrameAt = this.o.now();
    const end = (data[1]! & VOICE_FLAG_END) !== 0;
    this.setSpeaking(j, !end);
  }

  stop(): void {
    if (this.speakingTimer) clearInterval(this.speakingTimer);
    this.speakingTimer = null;
  }

  /** A listener that does not read: out of voice (its text frames still queue, under the usual cap). */
  private dropSlow(l: Joined): void {
    l.leaving = true;
    this.o.log({ level: 'info', msg: 'voice listener not reading: taken out of voice', userId: l.userId, roomId: l.roomId });
    void this.leave(l.userId, 'slow', l.roomId);
  }

  private async leave(userId: string, reason: 'closed' | 'slow', roomId: string): Promise<void> {
    try {
      await this.service.leave(userId, reason, roomId);
    } catch (error) {
      this.o.log({ level: 'error', msg: 'voice leave failed', userId, error: String(error) });
    }
  }

  private unbindUser(userId: string): void {
    const j = this.byUser.get(userId);
    if (!j) return;
    this.setSpeaking(j, false);
    this.byUser.delete(userId);
    this.bySession.delete(j.session);
    const set = this.rooms.get(j.roomId);
    set?.delete(j);
    if (set?.size === 0) this.rooms.delete(j.roomId);
  }

  private setSpeaking(j: Joined, speaking: boolean): void {
    if (j.speaking === speaking) return;
    j.speaking = speaking;
    const frame = voiceSpeakingFrame(j.roomId, j.userId, speaking);
    for (const s of this.hub.viewers(j.roomId)) s.conn.sendShared(frame);
    if (speaking && !this.speakingTimer) {
      this.speakingTimer = setInterval(this.expireSpeaking, Math.max(50, this.o.speakingTimeoutMs / 2));
      this.speakingTimer.unref?.();
    }
  }

  /** Speakers whose frames stopped without an END are shown silent; the timer stops when nobody speaks. */
  private readonly expireSpeaking = (): void => {
    const now = this.o.now();
    let anyone = false;
    for (const j of this.byUser.values()) {
      if (!j.speaking) continue;
      if (now - j.lastFrameAt >= this.o.speakingTimeoutMs) this.setSpeaking(j, false);
      else anyone = true;
    }
    if (!anyone) this.stop();
  };
}
