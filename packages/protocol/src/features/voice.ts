import { z } from 'zod';
import { Id } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';

// Voice rooms: who is in each (events, so a client that resyncs sees the same participants as everyone
// else), mute and deafen (events too: they change rarely, at a person's pace, and whoever joins or resyncs
// later must see them), and who is speaking right now (an ephemeral frame, like typing: it changes many
// times a minute and is worthless a second later). The audio itself travels as binary WebSocket frames
// (voice/frame.ts), relayed by the server to the room's other participants without being decoded.

/** A participant's slot: the small number the server stamps on their audio frames (1..65535, per room). */
export const VoiceSlot = z.number().int().min(1).max(0xffff);

export const VoiceParticipant = z.object({
  roomId: Id,
  userId: Id,
  slot: VoiceSlot,
  /** Sends no audio (the server drops it too). */
  muted: z.boolean(),
  /** Hears nothing (the server sends it none). */
  deafened: z.boolean(),
});
export type VoiceParticipant = z.infer<typeof VoiceParticipant>;

/**
 * Why someone left: asked to (`left`), joined another voice room (`moved`), their voice connection closed
 * (`closed`), they stopped reading their audio (`slow`), they may no longer see the room (`access`), or the
 * server restarted and cleared everyone (`restart`).
 */
export const VoiceLeftReason = z.enum(['left', 'moved', 'closed', 'slow', 'access', 'restart']);
export type VoiceLeftReason = z.infer<typeof VoiceLeftReason>;

export const events = [
  ev('voice.joined', VoiceParticipant),
  ev('voice.left', z.object({ roomId: Id, userId: Id, reason: VoiceLeftReason })),
  ev('voice.updated', z.object({ roomId: Id, userId: Id, muted: z.boolean(), deafened: z.boolean() })),
] as const;

export const requests = {
  /**
   * Join a voice room with this connection (leaving the voice room one was in, on any connection). The
   * reply gives one's slot and everyone in the room; audio frames may be sent once it arrives.
   */
  'voice.join': req(
    { roomId: Id, muted: z.boolean().optional(), deafened: z.boolean().optional() },
    z.object({ slot: VoiceSlot, participants: z.array(VoiceParticipant) }),
  ),
  /** Leave the voice room one is in (a no-op when in none). */
  'voice.leave': req({}, Ok),
  /** Mute or deafen oneself in the voice room one is in. */
  'voice.set': req({ muted: z.boolean().optional(), deafened: z.boolean().optional() }, Ok),
} as const;

/** Server → client: a participant started or stopped speaking (ephemeral; sent to everyone who sees the room). */
export const VoiceSpeakingNotice = z.object({ type: z.literal('voice.speaking'), roomId: Id, userId: Id, speaking: z.boolean() });
export type VoiceSpeakingNotice = z.infer<typeof VoiceSpeakingNotice>;
