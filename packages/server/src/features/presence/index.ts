import type { Feature } from '../feature.js';
import { applyPresenceModes, registerPresenceHandlers } from './handlers.js';

/**
 * Presence: online / away / offline from every connection (session/presence.ts, ephemeral frames) and the
 * mode a user chose (`presence.set`: auto, away, invisible), the one part kept and written as an event.
 */
export const presence: Feature = {
  name: 'presence',
  events: ['presence.mode'],
  register: registerPresenceHandlers,
  onPublished: applyPresenceModes,
};
