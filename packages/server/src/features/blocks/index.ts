import type { Feature } from '../feature.js';
import { registerBlocksHandlers } from './handlers.js';

/** Each user's private block list: one private event, no visibility change (blocks forbid writes, not reads). */
export const blocks: Feature = {
  name: 'blocks',
  events: ['user.blocked'],
  register: registerBlocksHandlers,
};
