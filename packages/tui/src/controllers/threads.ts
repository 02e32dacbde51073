import { LIMITS, type RequestParams, type ThreadLevel } from '@open-discord/protocol';
import { rootIdOf, threadReadWanted } from '../state/threads/thread-pane.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';

export interface Threads {
  /** Open the thread of message `messageId` in `roomId` (a reply opens its root's) and load its replies. */
  open(roomId: string, messageId: string): void;
  /** Close the thread pane (the room's draft comes back). */
  close(): void;
  /** Send `text` as a reply in the open thread (also to the room when the pane's toggle is on). */
  reply(text: string): void;
  /** Follow the open thread, optionally at a level or muted; or stop following it. */
  follow(change: { level?: ThreadLevel; muted?: boolean }): void;
  unfollow(): void;
}

/**
 * The thread controller: the pane's requests. Opening loads the thread's replies; the open thread is marked
 * read while its newest reply is on screen; replies go out with the thread's id (idempotent by nonce, like
 * every send), and the pane's "also send to room" toggle decides alsoInRoom.
 */
export function attachThreads({ client, store }: ControllerContext, nonce: () => string): Threads {
  const { dispatch } = store;
  const flash = (kind: 'info' | 'error', text: string) => dispatch({ type: 'flash', kind, text });
  const noThread = () => flash('error', 'no thread open: open one from a message first');

  const readInflight = new Map<string, number>();
  store.subscribe(() => {
    const read = threadReadWanted(store.getState());
    if (!read || (readInflight.get(read.rootId) ?? -1) >= read.order) return;
    readInflight.set(read.rootId, read.order);
    dispatch({ type: 'thread/read-local', rootId: read.rootId, order: read.order });
    client.request('thread.read', { roomId: read.roomId, threadId: read.rootId, order: read.order }).catch(() => readInflight.delete(read.rootId));
  });

  return {
    open(roomId, messageId) {
      const rootId = rootIdOf(store.getState(), roomId, messageId);
      dispatch({ type: 'thread/open', roomId, messageId });
      client.request('thread.history', { roomId, threadId: rootId, limit: 100 }).then(
        (r) => dispatch({ type: 'thread/loaded', rootId, ...(r.root && { root: r.root }), messages: r.messages, end: r.end }),
        (e: unknown) => {
          dispatch({ type: 'thread/failed', rootId, error: describeError(e) });
          flash('error', `thread: ${describeError(e)}`);
        },
      );
    },
    close() {
      dispatch({ type: 'thread/close' });
    },
    reply(text) {
      const pane = store.getState().thread;
      if (!pane) return noThread();
      const body = text.replace(/\s+$/, '');
      if (!body) return;
      if (body.length > LIMITS.maxMessageLength) return flash('error', `message too long (${body.length}/${LIMITS.maxMessageLength})`);
      const params: RequestParams<'message.send'> = { roomId: pane.roomId, text: body, nonce: nonce(), threadId: pane.rootId };
      if (pane.alsoInRoom) params.alsoInRoom = true;
      client.request('message.send', params, { queue: true }).then(
        (r) => dispatch({ type: 'send/confirmed', roomId: pane.roomId, nonce: params.nonce, message: r.message }),
        (e: unknown) => flash('error', `reply not sent: ${describeError(e)}`),
      );
    },
    follow(change) {
      const pane = store.getState().thread;
      if (!pane) return noThread();
      client.request('thread.follow', { roomId: pane.roomId, threadId: pane.rootId, ...change }).then(
        () => flash('info', change.muted ? 'thread muted' : `following the thread${change.level ? ` (${change.level})` : ''}`),
        (e: unknown) => flash('error', `/follow: ${describeError(e)}`),
      );
    },
    unfollow() {
      const pane = store.getState().thread;
      if (!pane) return noThread();
      client.request('thread.unfollow', { roomId: pane.roomId, threadId: pane.rootId }).then(
        () => flash('info', 'no longer following the thread'),
        (e: unknown) => flash('error', `/unfollow: ${describeError(e)}`),
      );
    },
  };
}
