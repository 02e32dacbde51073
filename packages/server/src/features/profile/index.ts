import type { Feature } from '../feature.js';
import { registerProfileHandlers } from './handlers.js';

/** A user's nickname, colour and private highlight words. */
export const profile: Feature = {
  name: 'profile',
  events: ['user.updated'],
  register: registerProfileHandlers,
};
