import type { Feature } from '../feature.js';

/**
 * Typing notices: ephemeral frames, never events. The session hands each to the relay (relay.ts), which
 * checks visibility and the per-user throttle (throttle.ts) and has the hub send it to the room's audience.
 */
export const typing: Feature = {
  name: 'typing',
  events: [],
};
