import type { InboxItem, InboxSettings } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { notice } from '../notices/notices.js';
import { sanitizeDisplay } from '../../text/sanitize.js';

/**
 * inbox/: the notification inbox as the server last listed it. The server decides what is in it and what
 * counts (items of rooms the user can no longer see are left out), so the slice holds its answers: the
 * newest page, the unread count the status line shows, and the settings.
 */
export interface InboxState {
  status: 'idle' | 'loading' | 'done' | 'failed';
  items: InboxItem[];
  unread: number;
  settings: InboxSettings | null;
  selected: number;
}

export const emptyInbox = (): InboxState => ({ status: 'idle', items: [], unread: 0, settings: null, selected: 0 });

export type InboxAction =
  /** `/inbox`: the overlay opens (loading until the list arrives). */
  | { type: 'inbox/open' }
  /** The server's list (asked on connect, after each inbox event, and by `/inbox`). */
  | { type: 'inbox/loaded'; items: InboxItem[]; unread: number; settings: InboxSettings }
  | { type: 'inbox/failed'; error: string }
  | { type: 'inbox/move'; delta: number };

/** Item text as the screen may show it: no terminal controls, one line. */
function cleanItem(i: InboxItem): InboxItem {
  return {
    ...i,
    excerpt: sanitizeDisplay(i.excerpt).replace(/\n/g, ' '),
    ...(i.title !== undefined && { title: sanitizeDisplay(i.title).replace(/\n/g, ' ') }),
    ...(i.emoji !== undefined && { emoji: sanitizeDisplay(i.emoji) }),
  };
}

const set = (state: AppState, inbox: Partial<InboxState>): AppState => ({ ...state, inbox: { ...state.inbox, ...inbox } });

export function inboxReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'inbox/open':
      return { ...set(state, { status: state.inbox.status === 'done' ? 'done' : 'loading', selected: 0 }), overlay: { kind: 'inbox' } };
    case 'inbox/loaded': {
      // The selection stays on the item it was on when the list is refreshed under the reader.
      const was = state.inbox.items[state.inbox.selected]?.id;
      const items = action.items.map(cleanItem);
      const at = was === undefined ? 0 : Math.max(0, items.findIndex((i) => i.id === was));
      return set(state, { status: 'done', items, unread: action.unread, settings: action.settings, selected: at });
    }
    case 'inbox/failed':
      return notice(set(state, { status: state.inbox.status === 'done' ? 'done' : 'failed' }), 'error', `inbox: ${action.error}`);
    case 'inbox/move': {
      const n = state.inbox.items.length;
      return n ? set(state, { selected: Math.max(0, Math.min(n - 1, state.inbox.selected + action.delta)) }) : state;
    }
    default:
      return state;
  }
}

/** The selected item, if any. */
export const selectedItem = (state: AppState): InboxItem | null => state.inbox.items[state.inbox.selected] ?? null;

const VERB: Record<InboxItem['kind'], string> = {
  mention: 'mentioned you',
  reply: 'replied',
  comment: 'commented',
  post: 'posted',
  reaction: 'reacted',
};

/** One item as the overlay shows it: who did what where, over the excerpt. */
export interface InboxRow {
  id: string;
  read: boolean;
  head: string;
  excerpt: string;
}

export function inboxRows(state: AppState): InboxRow[] {
  const world = state.world;
  return state.inbox.items.map((i) => {
    const who = world?.users[i.actorId]?.nickname ?? 'someone';
    const room = world?.rooms[i.roomId]?.name ?? 'a room';
    const what = i.kind === 'reaction' ? `reacted ${i.emoji ?? ''} to` : `${VERB[i.kind]} in`;
    const on = i.title !== undefined ? ` "${i.title}"` : '';
    return { id: i.id, read: i.read, head: `${who} ${what} #${room}${on}`, excerpt: i.excerpt };
  });
}
