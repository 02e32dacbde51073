import type { MicMode } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';

/*
 * Voice on this screen: the voice room od is in (the server's participants are in the World), how the mic is
 * used (open mic or push-to-talk, muted, deafened), the input level for the meter, who is speaking (ephemeral
 * `voice.speaking` notices), and the per-user volumes set with /volume. Pure; the voice controller runs the
 * audio tools and dispatches these actions.
 */
export interface VoiceState {
  /** The voice room this od is in, once joined. */
  roomId: string | null;
  /** A /join-voice waiting for its reply (the room it asked for). */
  joining: string | null;
  mode: MicMode;
  /** Push-to-talk is on (the key toggles it; it releases itself after a stretch of silence). */
  ptt: boolean;
  muted: boolean;
  deafened: boolean;
  /** The microphone's level (dBFS) of the latest frame, for the meter. */
  levelDb: number;
  /** This od is sending audio right now (its own speaking marker). */
  transmitting: boolean;
  /** roomId → userId → speaking, from the server's ephemeral notices. */
  speaking: Readonly<Record<string, Readonly<Record<string, true>>>>;
  /** userId → volume in percent (100 as sent; 0 silences them for this od only). */
  volumes: Readonly<Record<string, number>>;
  /** Why audio cannot run (no audio tools), shown in the status line. */
  problem: string | null;
}

export const emptyVoice: VoiceState = {
  roomId: null,
  joining: null,
  mode: 'vad',
  ptt: false,
  muted: false,
  deafened: false,
  levelDb: -100,
  transmitting: false,
  speaking: {},
  volumes: {},
  problem: null,
};

export type VoiceAction =
  | { type: 'voice/joining'; roomId: string }
  | { type: 'voice/joined'; roomId: string }
  /** Out of voice (left, dropped, failed to join); `reason` for the notice. */
  | { type: 'voice/ended' }
  | { type: 'voice/mode'; mode: MicMode }
  /** Push-to-talk on or off; `auto`: it released itself after silence. */
  | { type: 'voice/ptt'; on: boolean }
  | { type: 'voice/muted'; muted: boolean }
  | { type: 'voice/deafened'; deafened: boolean }
  | { type: 'voice/level'; levelDb: number; transmitting: boolean }
  | { type: 'voice/speaking'; roomId: string; userId: string; speaking: boolean }
  | { type: 'voice/volume'; userId: string; percent: number }
  | { type: 'voice/problem'; problem: string | null };

function withVoice(state: AppState, patch: Partial<VoiceState>): AppState {
  return { ...state, voice: { ...state.voice, ...patch } };
}

export function voiceReducer(state: AppState, action: Action): AppState {
  const v = state.voice;
  switch (action.type) {
    case 'voice/joining':
      return withVoice(state, { joining: action.roomId });
    case 'voice/joined':
      return withVoice(state, { joining: null, roomId: action.roomId, ptt: false, transmitting: false });
    case 'voice/ended':
      return withVoice(state, { joining: null, roomId: null, ptt: false, transmitting: false, levelDb: -100 });
    case 'voice/mode':
      return withVoice(state, { mode: action.mode, ptt: false });
    case 'voice/ptt':
      return v.ptt === action.on ? state : withVoice(state, { ptt: action.on });
    case 'voice/muted':
      return withVoice(state, { muted: action.muted, ...(action.muted && { transmitting: false }) });
    case 'voice/deafened':
      return withVoice(state, { deafened: action.deafened });
    case 'voice/level':
      // The meter moves in whole decibels: finer changes would redraw the screen 50 times a second for nothing.
      if (Math.round(v.levelDb) === Math.round(action.levelDb) && v.transmitting === action.transmitting) return state;
      return withVoice(state, { levelDb: action.levelDb, transmitting: action.transmitting });
    case 'voice/speaking': {
      const room = { ...(v.speaking[action.roomId] ?? {}) };
      if (action.speaking === (room[action.userId] === true)) return state;
      if (action.speaking) room[action.userId] = true;
      else delete room[action.userId];
      return withVoice(state, { speaking: { ...v.speaking, [action.roomId]: room } });
    }
    case 'voice/volume':
      return withVoice(state, { volumes: { ...v.volumes, [action.userId]: Math.max(0, Math.min(200, Math.round(action.percent))) } });
    case 'voice/problem':
      return withVoice(state, { problem: action.problem });
    default:
      return state;
  }
}

/** When someone leaves a voice room (their voice.left), their speaking marker goes too. */
export function voiceLeft(state: AppState, roomId: string, userId: string): AppState {
  if (!state.voice.speaking[roomId]?.[userId]) return state;
  return voiceReducer(state, { type: 'voice/speaking', roomId, userId, speaking: false });
}
