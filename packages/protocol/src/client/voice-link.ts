import type { ClientEvent } from '../decode.js';
import type { VoiceParticipant } from '../features/voice.js';
import { decodeVoiceFrame } from '../voice/frame.js';

/** Audio from another participant, as the server relayed it (the Opus packet is not decoded here). */
export interface VoiceAudio {
  roomId: string;
  /** Who sent it (null: a slot this client has not learnt yet — a frame that overtook its voice.joined). */
  userId: string | null;
  slot: number;
  seq: number;
  /** The sender's capture clock in ms (mod 2^32). */
  timestamp: number;
  /** Last frame of a talk spurt. */
  end: boolean;
  payload: Uint8Array;
}

/** The voice room this client's connection joined: who holds which slot, and the sending sequence. */
export interface VoiceJoin {
  roomId: string;
  slot: number;
  participants: readonly VoiceParticipant[];
}

/**
 * The client's side of one voice membership: the slot → user map (from the join reply and the room's
 * voice events), so relayed frames can be told apart by sender. Pure bookkeeping; OdClient owns one.
 */
export class VoiceLink {
  private joined: { roomId: string; slot: number; slots: Map<number, VoiceParticipant> } | null = null;

  get current(): VoiceJoin | null {
    if (!this.joined) return null;
    return { roomId: this.joined.roomId, slot: this.joined.slot, participants: [...this.joined.slots.values()] };
  }

  join(roomId: string, slot: number, participants: readonly VoiceParticipant[]): void {
    this.joined = { roomId, slot, slots: new Map(participants.map((p) => [p.slot, p])) };
  }

  clear(): void {
    this.joined = null;
  }

  /**
   * Follow the room's voice events. Returns true when this user left (asked to, moved, dropped by the
   * server): the link is cleared and the caller tells its listeners.
   */
  event(e: ClientEvent, myId: string | undefined): boolean {
    const j = this.joined;
    if (!j || (e.type !== 'voice.joined' && e.type !== 'voice.left' && e.type !== 'voice.updated')) return false;
    if (e.data.roomId !== j.roomId) {
      // Joined another voice room from another connection: this one was moved out.
      if (e.type === 'voice.joined' && e.data.userId === myId) {
        this.clear();
        return true;
      }
      return false;
    }
    if (e.type === 'voice.joined') {
      for (const [slot, p] of j.slots) if (p.userId === e.data.userId) j.slots.delete(slot);
      j.slots.set(e.data.slot, e.data);
      // My own join from another connection took the place of this one.
      if (e.data.userId === myId && e.data.slot !== j.slot) {
        this.clear();
        return true;
      }
    } else if (e.type === 'voice.left') {
      for (const [slot, p] of j.slots) if (p.userId === e.data.userId) j.slots.delete(slot);
      if (e.data.userId === myId) {
        this.clear();
        return true;
      }
    } else {
      for (const [slot, p] of j.slots) if (p.userId === e.data.userId) j.slots.set(slot, { ...p, muted: e.data.muted, deafened: e.data.deafened });
    }
    return false;
  }

  /** A binary frame from the server → audio with its sender; null when not in voice or malformed. */
  audio(bytes: Uint8Array): VoiceAudio | null {
    const j = this.joined;
    if (!j) return null;
    const f = decodeVoiceFrame(bytes);
    if (!f) return null;
    return { roomId: j.roomId, userId: j.slots.get(f.slot)?.userId ?? null, slot: f.slot, seq: f.seq, timestamp: f.timestamp, end: f.end, payload: f.payload };
  }
}
