import type { ControllerContext } from './chat-client.js';

/**
 * The connection controller: what the protocol client reports (status, snapshots, events, presence, typing)
 * becomes store actions. Reconnects, resume and resync are the client's own business.
 */
export function attachConnection({ client, store, now }: ControllerContext): void {
  const { dispatch } = store;
  client.on('status', (status) => dispatch({ type: 'status', status }));
  client.on('snapshot', (state, reason) => dispatch({ type: 'snapshot', state, reason }));
  client.on('event', (event) => dispatch({ type: 'event', event }));
  client.on('presence', (p) => dispatch({ type: 'presence', userId: p.userId, online: p.online, ...(p.status && { status: p.status }) }));
  client.on('presenceAll', (p) => dispatch({ type: 'presence/all', users: p.users }));
  client.on('typing', (t) => dispatch({ type: 'typing', roomId: t.roomId, userId: t.userId, at: now() }));
}
