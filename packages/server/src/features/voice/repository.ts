import type { VoiceParticipant } from '@open-discord/protocol';
import type { Awaitable } from '../../ports/awaitable.js';

/** One person in a voice room (a user is in at most one). */
export interface VoiceRow extends VoiceParticipant {
  joinedAt: number;
}

/**
 * Who is in which voice room: the voice feature's storage. A projection of voice.joined/left/updated, kept
 * so `state` lists the participants; emptied (with `voice.left` events) when the server starts, since every
 * connection that had joined is gone by then.
 */
export interface VoiceRepository {
  all(): Awaitable<VoiceRow[]>;
  ofUser(userId: string): Awaitable<VoiceRow | null>;
  /** In the order they joined. */
  ofRoom(roomId: string): Awaitable<VoiceRow[]>;
  add(row: VoiceRow): Awaitable<void>;
  remove(userId: string): Awaitable<void>;
  setState(userId: string, muted: boolean, deafened: boolean): Awaitable<void>;
}
