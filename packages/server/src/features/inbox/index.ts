import type { Feature } from '../feature.js';
import { registerInboxHandlers } from './handlers.js';

/** The notification inbox: its events are private to their user and name items, never rooms or text. */
export const inbox: Feature = {
  name: 'inbox',
  events: ['inbox.item', 'inbox.read', 'inbox.removed', 'inbox.settings.changed'],
  register: registerInboxHandlers,
};
