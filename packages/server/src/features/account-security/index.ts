import type { Feature } from '../feature.js';
import { registerAccountSecurityHandlers } from './handlers.js';

/**
 * Account safety: two-factor login, the sessions a user is logged in with, password change. Private to the
 * user; it writes no events (revoking a session closes its sockets through the accounts hooks instead).
 */
export const accountSecurity: Feature = {
  name: 'account-security',
  events: [],
  register: registerAccountSecurityHandlers,
};
