import type { Feature } from '../feature.js';

/**
 * Typing notices: ephemeral frames, never events. The session relays them (session/session.ts) through
 * the hub to whoever may see the room, throttled per user and room (throttle.ts).
 */
export const typing: Feature = {
  name: 'typing',
  events: [],
};
