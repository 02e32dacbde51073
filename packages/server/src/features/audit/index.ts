import type { Feature } from '../feature.js';
import { registerAuditHandlers } from './handlers.js';

/** The audit log of privileged actions: a table of its own, not events (readers are few, and it is never synced). */
export const audit: Feature = {
  name: 'audit',
  events: [],
  register: registerAuditHandlers,
};
