import { isCommunityRoom, isJoined, LIMITS, ProtocolError, type RequestParams } from '@open-discord/protocol';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';
import { realTimers } from './timers.js';

/** A send refused for going too fast is sent again by itself when the wait is at most this long. */
const MAX_AUTO_RETRY_MS = 5 * 60_000;

export interface Sender {
  /** Send `text` to the current room as a message (or a `/me` action), shown at once as a pending copy. */
  sendMessage(text: string, action?: boolean): void;
  /** Retry the newest failed send in the current room (same nonce, so the server never stores it twice). */
  retry(): void;
}

/** The send controller: our own messages, from the pending copy to the server's confirmation or refusal. */
export function attachSend({ client, store, now, timers = realTimers }: ControllerContext, nonce: () => string, onSent: (roomId: string) => void): Sender {
  const { dispatch } = store;

  const send = (roomId: string, text: string, n: string, action?: boolean) => {
    const params: RequestParams<'message.send'> = { roomId, text, nonce: n };
    if (action) params.action = true;
    // Queued: typed while offline, it waits for the connection and goes out (same nonce) once live; only a
    // refusal, or no reply once it was on the wire, fails it.
    client.request('message.send', params, { queue: true }).then(
      (r) => dispatch({ type: 'send/confirmed', roomId, nonce: n, message: r.message }),
      (e: unknown) => {
        // Too fast (the write budget, a room's slowmode): say so and send it again, same nonce, once allowed.
        if (e instanceof ProtocolError && e.code === 'RATE_LIMITED' && e.retryAfterMs !== undefined && e.retryAfterMs <= MAX_AUTO_RETRY_MS) {
          dispatch({ type: 'flash', kind: 'info', text: `slow down — sending again in ${Math.max(1, Math.ceil(e.retryAfterMs / 1000))} s`, roomId });
          timers.set(() => send(roomId, text, n, action), e.retryAfterMs);
          return;
        }
        dispatch({ type: 'send/failed', roomId, nonce: n, error: describeError(e) });
      },
    );
  };

  return {
    sendMessage(text, action) {
      const state = store.getState();
      const roomId = state.currentRoomId;
      if (!roomId || !state.world) return dispatch({ type: 'flash', kind: 'error', text: 'no room to send to yet' });
      const body = text.replace(/\s+$/, '');
      if (!body) return;
      const room = state.world.rooms[roomId];
      if (room && isCommunityRoom(room.kind) && !isJoined(state.world, roomId)) {
        return dispatch({ type: 'flash', kind: 'error', text: `you are not in #${room.name}: /join #${room.name} to talk here` });
      }
      if (body.length > LIMITS.maxMessageLength) {
        // Offered as several messages, as a long paste is (Esc puts the text back in the input line).
        if (!action) return dispatch({ type: 'overlay/paste', before: '', text: body, after: '' });
        return dispatch({ type: 'flash', kind: 'error', text: `message too long (${body.length}/${LIMITS.maxMessageLength})` });
      }
      const n = nonce();
      onSent(roomId);
      dispatch({ type: 'send/started', roomId, nonce: n, text: body, authorId: state.world.me.id, at: now(), ...(action && { action }) });
      send(roomId, body, n, action);
    },
    retry() {
      const state = store.getState();
      const roomId = state.currentRoomId;
      const failed = roomId ? state.views[roomId]?.pending.filter((p) => p.status === 'failed').at(-1) : undefined;
      if (!roomId || !failed?.nonce) return dispatch({ type: 'flash', kind: 'info', text: 'nothing to retry' });
      dispatch({ type: 'send/retry', roomId, nonce: failed.nonce });
      send(roomId, failed.text, failed.nonce, failed.action);
    },
  };
}
