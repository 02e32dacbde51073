import type { Feature } from '../feature.js';

/**
 * Accounts: signup, login, tokens, password reset (over the HTTP API in transport/http-api.ts, not WebSocket
 * requests). A member (re)joining changes who is there to see rooms.
 */
export const accounts: Feature = {
  name: 'accounts',
  events: ['user.joined'],
  visibilityEvents: ['user.joined'],
};
