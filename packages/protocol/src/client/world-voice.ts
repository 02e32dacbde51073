import type { ClientEvent } from '../decode.js';
import type { VoiceParticipant } from '../features/voice.js';

/** Per voice room: who is in it, in the order they joined. */
export type VoiceRooms = Readonly<Record<string, readonly VoiceParticipant[]>>;

/** The `voice` of a `state` result, per room, keeping only rooms in `rooms`. */
export function voiceFromState(list: readonly VoiceParticipant[] | undefined, rooms: Readonly<Record<string, unknown>>): VoiceRooms {
  const out: Record<string, VoiceParticipant[]> = {};
  for (const p of list ?? []) if (rooms[p.roomId]) (out[p.roomId] ??= []).push(p);
  return out;
}

type VoiceEvent = Extract<ClientEvent, { type: 'voice.joined' | 'voice.left' | 'voice.updated' }>;

/** Fold one voice event; the same object back when it changes nothing. */
export function applyVoiceEvent(voice: VoiceRooms, e: VoiceEvent): VoiceRooms {
  const { roomId, userId } = e.data;
  const list = voice[roomId] ?? [];
  switch (e.type) {
    case 'voice.joined': {
      // A user is in one voice room at a time: the server writes `voice.left` for the old one first.
      const { slot, muted, deafened } = e.data;
      const rest = list.filter((p) => p.userId !== userId);
      return { ...voice, [roomId]: [...rest, { roomId, userId, slot, muted, deafened }] };
    }
    case 'voice.left': {
      if (!list.some((p) => p.userId === userId)) return voice;
      const rest = list.filter((p) => p.userId !== userId);
      if (rest.length > 0) return { ...voice, [roomId]: rest };
      const { [roomId]: _gone, ...others } = voice;
      return others;
    }
    case 'voice.updated': {
      const i = list.findIndex((p) => p.userId === userId);
      if (i < 0) return voice;
      const next = [...list];
      next[i] = { ...list[i]!, muted: e.data.muted, deafened: e.data.deafened };
      return { ...voice, [roomId]: next };
    }
  }
}

/** The voice room this user is in (by any of their connections), if any. */
export function voiceRoomOf(voice: VoiceRooms, userId: string): string | null {
  for (const [roomId, list] of Object.entries(voice)) if (list.some((p) => p.userId === userId)) return roomId;
  return null;
}
