import type { Feature } from '../feature.js';
import { registerProfileHandlers } from './handlers.js';

/** A user's nickname and colour. */
export const profile: Feature = {
  name: 'profile',
  events: ['user.updated'],
  register: registerProfileHandlers,
};
