import type { Feature } from '../feature.js';
import { registerReadMarkerHandlers } from './handlers.js';

/** How far each user has read each room; the smallest feature, and the one to copy (docs/architecture.md). */
export const readMarkers: Feature = {
  name: 'read-markers',
  events: ['read.marked', 'read.unmarked', 'read.receipt'],
  register: registerReadMarkerHandlers,
};
