import { userById, type World } from '@open-discord/protocol';
import type { AppState } from '../app-state.js';

/** One person in a voice room as the room list draws them. */
export interface VoiceRow {
  userId: string;
  nick: string;
  speaking: boolean;
  muted: boolean;
  deafened: boolean;
}

/** Who is in a voice room, in the order they joined, with their speaking markers. */
export function voiceRows(state: Pick<AppState, 'world' | 'voice'>, roomId: string): VoiceRow[] {
  const world = state.world;
  if (!world) return [];
  const speaking = state.voice.speaking[roomId] ?? {};
  return (world.voice[roomId] ?? []).map((p) => ({
    userId: p.userId,
    nick: userById(world, p.userId)?.nickname ?? 'someone',
    // My own marker is what my mic sends; the server does not tell me about myself.
    speaking: p.userId === world.me.id ? state.voice.transmitting && state.voice.roomId === roomId : speaking[p.userId] === true,
    muted: p.muted,
    deafened: p.deafened,
  }));
}

/** The marker before a participant's name: speaking, muted, deafened or quiet. */
export function voiceMarker(r: Pick<VoiceRow, 'speaking' | 'muted' | 'deafened'>): string {
  if (r.deafened) return '⊘';
  if (r.muted) return '×';
  return r.speaking ? '◉' : '○';
}

const METER_CELLS = 10;

/** The input level as a bar of 10 cells from -60 dBFS (empty) to 0 (full). */
export function levelMeter(levelDb: number): string {
  const filled = Math.max(0, Math.min(METER_CELLS, Math.round(((levelDb + 60) / 60) * METER_CELLS)));
  return '▮'.repeat(filled) + '▯'.repeat(METER_CELLS - filled);
}

/**
 * The status line's voice part: room, mic state and meter, e.g. `voice #lounge · open mic ▮▮▮▯▯▯▯▯▯▯ · deaf`.
 * Null when not in voice (and nothing is wrong).
 */
export function voiceStatus(state: Pick<AppState, 'world' | 'voice'>, world: World | null = state.world): string | null {
  const v = state.voice;
  if (!v.roomId && !v.joining) return v.problem ? `voice: ${v.problem}` : null;
  const roomId = v.roomId ?? v.joining!;
  const name = `#${world?.rooms[roomId]?.name ?? 'voice'}`;
  if (!v.roomId) return `voice ${name} · joining…`;
  const mic = v.muted ? 'muted' : v.mode === 'ptt' ? (v.ptt ? 'PTT on' : 'PTT off (Alt+V)') : 'open mic';
  const parts = [`voice ${name}`, `${mic} ${v.muted ? '' : levelMeter(v.levelDb)}`.trimEnd()];
  if (v.transmitting && !v.muted) parts.push('sending');
  if (v.deafened) parts.push('deafened');
  if (v.problem) parts.push(v.problem);
  return parts.join(' · ');
}

/** The status line's voice part with whether the mic is sending (drawn brighter then). */
export function voiceLine(state: Pick<AppState, 'world' | 'voice'>): { text: string; sending: boolean } | null {
  const text = voiceStatus(state);
  return text === null ? null : { text, sending: state.voice.transmitting && !state.voice.muted };
}
