import type { Feature } from '../feature.js';
import { registerSyncHandlers } from './handlers.js';

/** The world as one user sees it (`state`) and forward paging through the log (`sync`, resume replay). */
export const sync: Feature = {
  name: 'sync',
  events: [],
  register: registerSyncHandlers,
};
