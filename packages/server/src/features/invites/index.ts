import type { Feature } from '../feature.js';
import { registerInviteHandlers } from './handlers.js';

/** Invite codes over the wire (create, list, revoke). Invites are private: they write no events. */
export const invites: Feature = {
  name: 'invites',
  events: [],
  register: registerInviteHandlers,
};
