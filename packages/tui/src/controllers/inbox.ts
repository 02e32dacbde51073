import { INBOX_KINDS, type InboxKind } from '@open-discord/protocol';
import { selectedItem } from '../state/inbox/inbox.js';
import type { ControllerContext } from './chat-client.js';
import { CONTEXT } from './search.js';
import { describeError } from './describe-error.js';
import type { Threads } from './threads.js';

/** Events after which rooms may have become hidden (or visible again): the server's count may change. */
const ACCESS_EVENTS = new Set<string>(['room.updated', 'room.deleted', 'room.left', 'access.changed', 'role.updated', 'role.deleted']);

export interface Inbox {
  /** `/inbox [all | on KIND | off KIND]`: open it, mark everything read, or switch a kind on or off. */
  run(args: Record<string, unknown>): void;
  /** Alt+I: open the inbox. */
  open(): void;
  /** Enter on an item: mark it read and go to it in context (its thread opens for a reply or comment). */
  jump(): void;
}

/**
 * The inbox controller. The server decides what the inbox holds and counts (it leaves out rooms the user can
 * no longer see), so od asks `inbox.list` when it comes live (after every reconnect: items may have come or
 * gone meanwhile) and whenever an inbox event arrives (events during a request coalesce into one more).
 */
export function attachInbox({ client, store }: ControllerContext, threads: Threads): Inbox {
  const { dispatch } = store;
  const flash = (kind: 'info' | 'error', text: string) => dispatch({ type: 'flash', kind, text });

  // One request at a time: events arriving meanwhile (a burst of comments, a resync replaying many) are
  // answered by one more request once it settles, so its answer is never older than what they announced.
  let inFlight = false;
  let again = false;
  const refresh = () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    const settle = () => {
      inFlight = false;
      if (again) {
        again = false;
        refresh();
      }
    };
    client.request('inbox.list', { limit: 50 }).then(
      (r) => {
        dispatch({ type: 'inbox/loaded', items: r.items, unread: r.unread, settings: r.settings });
        settle();
      },
      (e: unknown) => {
        dispatch({ type: 'inbox/failed', error: describeError(e) });
        settle();
      },
    );
  };

  let wasLive = false;
  store.subscribe((s) => {
    const live = s.status.state === 'live';
    if (live && !wasLive) refresh();
    wasLive = live;
  });
  client.on('event', (e) => {
    if (e.type === 'inbox.item' || e.type === 'inbox.read' || e.type === 'inbox.removed' || e.type === 'inbox.settings.changed') refresh();
    // A room that went away may take items with it: the server's count is asked again.
    else if (ACCESS_EVENTS.has(e.type)) refresh();
  });

  const open = () => {
    dispatch({ type: 'inbox/open' });
    refresh();
  };

  const run = (args: Record<string, unknown>) => {
    const action = typeof args.action === 'string' ? args.action.toLowerCase() : '';
    const kind = typeof args.kind === 'string' ? args.kind.toLowerCase() : '';
    if (action === '') return open();
    if (action === 'all') {
      return void client.request('inbox.read', { all: true }).then(
        () => flash('info', 'inbox: everything marked read'),
        (e: unknown) => flash('error', `/inbox all: ${describeError(e)}`),
      );
    }
    if (action === 'on' || action === 'off') {
      if (!(INBOX_KINDS as readonly string[]).includes(kind)) return flash('error', `usage: /inbox ${action} ${INBOX_KINDS.join('|')}`);
      return void client.request('inbox.settings', { [kind as InboxKind]: action === 'on' }).then(
        () => flash('info', `inbox: ${kind} ${action === 'on' ? 'on' : 'off'}`),
        (e: unknown) => flash('error', `/inbox ${action}: ${describeError(e)}`),
      );
    }
    flash('error', `usage: /inbox [all | on KIND | off KIND] (kinds: ${INBOX_KINDS.join(', ')})`);
  };

  const jump = () => {
    const item = selectedItem(store.getState());
    dispatch({ type: 'overlay/close' });
    if (!item) return;
    if (!item.read) void client.request('inbox.read', { ids: [item.id] }).catch((e: unknown) => flash('error', `inbox: ${describeError(e)}`));
    const world = store.getState().world;
    const room = world?.rooms[item.roomId];
    if (!room) return flash('error', 'that room is gone');
    // A board shows posts, not messages: the post (or the comment's post) opens in the thread pane.
    if (room.kind === 'forum') {
      if (store.getState().currentRoomId !== item.roomId) dispatch({ type: 'room/select', roomId: item.roomId });
      return threads.open(item.roomId, item.threadId ?? item.messageId);
    }
    // Elsewhere the room shows the messages around it (its thread's root for a reply) and the thread beside.
    const messageId = item.threadId ?? item.messageId;
    dispatch({ type: 'search/jump-to', roomId: item.roomId, messageId, order: item.order });
    client.request('history.around', { roomId: item.roomId, messageId, before: CONTEXT, after: CONTEXT }).then(
      (r) => dispatch({ type: 'search/context', roomId: item.roomId, anchorId: messageId, messages: r.messages, olderEnd: r.olderEnd, newerEnd: r.newerEnd }),
      (e: unknown) => dispatch({ type: 'search/context-failed', error: describeError(e) }),
    );
    if (item.threadId) threads.open(item.roomId, item.threadId);
  };

  return { run, open, jump };
}
