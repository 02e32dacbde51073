import type { Feature } from '../feature.js';
import { registerVoiceHandlers } from './handlers.js';

/**
 * Voice rooms: who is in each (events every viewer of the room receives, so the room list shows them to
 * people not in voice too), and the relay of their audio (relay.ts, binary frames, never stored).
 */
export const voice: Feature = {
  name: 'voice',
  events: ['voice.joined', 'voice.left', 'voice.updated'],
  viewerEvents: ['voice.joined', 'voice.left', 'voice.updated'],
  register: registerVoiceHandlers,
};
