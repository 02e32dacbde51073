import { ProtocolError, type ParsedParams, type VoiceLeftReason, type VoiceParticipant } from '@open-discord/protocol';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import { roomNotFound } from '../rooms/errors.js';
import type { VoiceRow } from './repository.js';

/** People in one voice room at most (each listener gets every speaker's frames: the relay's cost grows with it). */
export const VOICE_MAX_PARTICIPANTS = 100;

const participant = (r: VoiceRow): VoiceParticipant => ({ roomId: r.roomId, userId: r.userId, slot: r.slot, muted: r.muted, deafened: r.deafened });

/**
 * Who is in which voice room, as events: joining (`voice.joined`, with the slot the relay stamps on the
 * person's audio), leaving (`voice.left`, with why), mute and deafen (`voice.updated`). A voice room is joined
 * by anyone who can see it; a hidden room answers like a missing one. The audio itself never passes here:
 * the relay (relay.ts) forwards it, and tells this service when a connection that joined goes away.
 */
export class VoiceService {
  constructor(private readonly d: ServiceDeps) {}

  /** Told after a join committed, with the connection that asked (the relay binds it); set by app.ts. */
  onJoined: (connection: object | undefined, p: VoiceParticipant) => void = () => {};

  /** Join (or, already in the room, just update mute/deafen); leaves the voice room the user was in. */
  join(userId: string, p: ParsedParams<'voice.join'>): Promise<{ slot: number; participants: VoiceParticipant[] }> {
    const { store, access } = this.d;
    return this.d.queue.submit(async (w) => {
      const view = await access.view();
      const room = view.room(p.roomId);
      if (!view.canSeeRoom(userId, p.roomId) || !room) throw roomNotFound();
      if (room.kind !== 'voice') throw new ProtocolError('BAD_REQUEST', 'that room is not a voice room');
      const current = await store.voice.ofUser(userId);
      if (current && current.roomId === p.roomId) {
        await this.setIn(w, current, p.muted ?? current.muted, p.deafened ?? current.deafened);
        return { slot: current.slot, participants: (await store.voice.ofRoom(p.roomId)).map(participant) };
      }
      const others = await store.voice.ofRoom(p.roomId);
      if (others.length >= VOICE_MAX_PARTICIPANTS) throw new ProtocolError('BAD_REQUEST', `a voice room holds at most ${VOICE_MAX_PARTICIPANTS} people`);
      if (current) await this.leaveIn(w, current, 'moved');
      // The smallest free slot: slots stay small, and one freed is reused only after its holder's voice.left.
      const used = new Set(others.map((o) => o.slot));
      let slot = 1;
      while (used.has(slot)) slot++;
      const row: VoiceRow = { roomId: p.roomId, userId, slot, muted: p.muted ?? false, deafened: p.deafened ?? false, joinedAt: w.now };
      await store.voice.add(row);
      w.emit({ type: 'voice.joined', roomId: p.roomId, actorId: userId }, participant(row));
      return { slot, participants: [...others, row].map(participant) };
    });
  }

  /** Leave the voice room the user is in; false when in none. `inRoom`: only if it is that room. */
  leave(userId: string, reason: VoiceLeftReason, inRoom?: string): Promise<boolean> {
    return this.d.queue.submit(async (w) => {
      const current = await this.d.store.voice.ofUser(userId);
      if (!current || (inRoom !== undefined && current.roomId !== inRoom)) return false;
      await this.leaveIn(w, current, reason);
      return true;
    });
  }

  set(userId: string, p: ParsedParams<'voice.set'>): Promise<{ ok: true }> {
    return this.d.queue.submit(async (w) => {
      const current = await this.d.store.voice.ofUser(userId);
      if (!current) throw new ProtocolError('BAD_REQUEST', 'you are not in a voice room');
      await this.setIn(w, current, p.muted ?? current.muted, p.deafened ?? current.deafened);
      return { ok: true as const };
    });
  }

  /**
   * Everyone out (`restart`), when the server starts: the connections that had joined are gone, and without
   * their `voice.left` clients would show them in the room forever.
   */
  clearAll(reason: VoiceLeftReason = 'restart'): Promise<number> {
    return this.d.queue.submit(async (w) => {
      const rows = await this.d.store.voice.all();
      for (const r of rows) await this.leaveIn(w, r, reason);
      return rows.length;
    });
  }

  /** Participants who may no longer see their room (a role revoked, the room restricted or deleted) leave. */
  async dropUnseen(): Promise<void> {
    const view = await this.d.access.view();
    for (const r of await this.d.store.voice.all()) {
      if (!view.canSeeRoom(r.userId, r.roomId)) await this.leave(r.userId, 'access', r.roomId);
    }
  }

  /** Who is in these voice rooms (`state` passes the rooms its user can see). */
  async inRooms(visibleRooms: ReadonlySet<string>): Promise<VoiceParticipant[]> {
    return (await this.d.store.voice.all()).filter((r) => visibleRooms.has(r.roomId)).map(participant);
  }

  private async leaveIn(w: WriteContext, row: VoiceRow, reason: VoiceLeftReason): Promise<void> {
    await this.d.store.voice.remove(row.userId);
    w.emit({ type: 'voice.left', roomId: row.roomId, actorId: row.userId }, { roomId: row.roomId, userId: row.userId, reason });
  }

  private async setIn(w: WriteContext, row: VoiceRow, muted: boolean, deafened: boolean): Promise<void> {
    if (row.muted === muted && row.deafened === deafened) return;
    await this.d.store.voice.setState(row.userId, muted, deafened);
    w.emit({ type: 'voice.updated', roomId: row.roomId, actorId: row.userId }, { roomId: row.roomId, userId: row.userId, muted, deafened });
  }
}
