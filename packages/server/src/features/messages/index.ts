import type { Feature } from '../feature.js';
import { registerMessageHandlers } from './handlers.js';

/** Sending (idempotent by nonce), history, editing and deleting messages. */
export const messages: Feature = {
  name: 'messages',
  events: ['message.created', 'message.edited', 'message.deleted'],
  register: registerMessageHandlers,
};
