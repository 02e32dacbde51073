import type { Feature } from '../feature.js';
import { registerRoomSettingsHandlers } from './handlers.js';

/** Each user's own room settings and notification defaults: private events, no visibility change. */
export const roomSettings: Feature = {
  name: 'room-settings',
  events: ['room.settings.changed', 'notify.defaults.changed'],
  register: registerRoomSettingsHandlers,
};
