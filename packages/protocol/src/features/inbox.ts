import { z } from 'zod';
import { Id, Order, Timestamp } from '../model.js';
import { ev } from './envelope.js';
import { req } from './request.js';

// The notification inbox: one list per user of the news meant for them (mentions, replies to their messages
// and posts, comments on posts they follow, posts by people they follow, reactions to their posts), each kind
// switched on or off by its user. Items are written when the news happens and listed only from rooms the user
// can see now.

export const InboxKind = z.enum(['mention', 'reply', 'comment', 'post', 'reaction']);
export type InboxKind = z.infer<typeof InboxKind>;
export const INBOX_KINDS = InboxKind.options;

export const InboxItem = z.object({
  id: Id,
  kind: InboxKind,
  roomId: Id,
  /** The message the news is about: the mention, reply or comment, the new post's root, the reacted message. */
  messageId: Id,
  /** Its thread's root when it is a reply or comment (jump to the thread), absent otherwise. */
  threadId: Id.optional(),
  /** Who did it. */
  actorId: Id,
  /** The post's title when the item is about a post or one of its comments. */
  title: z.string().optional(),
  /** The start of the message's text (as it reads now). */
  excerpt: z.string(),
  /** For a reaction: the emoji. */
  emoji: z.string().optional(),
  /** The order of the event that made the item (the list's order). */
  order: Order,
  createdAt: Timestamp,
  read: z.boolean(),
});
export type InboxItem = z.infer<typeof InboxItem>;

/** Which kinds reach the inbox (all on until switched off). */
export const InboxSettings = z.object({ mention: z.boolean(), reply: z.boolean(), comment: z.boolean(), post: z.boolean(), reaction: z.boolean() });
export type InboxSettings = z.infer<typeof InboxSettings>;

export const INBOX_LIMITS = { pageMax: 100, readMax: 100, excerpt: 200 } as const;

export const events = [
  /**
   * Private: a new item reached the user's inbox. It names the item only, never its room or text (an event
   * stays in the log, and the room may be hidden from the user later): clients ask `inbox.list`.
   */
  ev('inbox.item', z.object({ itemId: Id, kind: InboxKind })),
  /** Private: items were marked read (`all`: every item up to `through`). */
  ev('inbox.read', z.object({ ids: z.array(Id), all: z.boolean(), through: Order })),
  /**
   * Private: items left the user's inbox because their news was undone (a reaction taken back). Clients ask
   * `inbox.list` again; like `inbox.item`, it names items only.
   */
  ev('inbox.removed', z.object({ ids: z.array(Id) })),
  /** Private: the user's inbox settings changed. */
  ev('inbox.settings.changed', z.object({ settings: InboxSettings })),
] as const;

export const requests = {
  /**
   * The inbox, newest first, a page at a time, with the number of unread items and the settings. Items from
   * rooms the user cannot see now, and about messages since deleted, are left out (and not counted).
   */
  'inbox.list': req(
    { before: Order.optional(), limit: z.number().int().min(1).max(INBOX_LIMITS.pageMax).optional(), unreadOnly: z.boolean().optional() },
    z.object({ items: z.array(InboxItem), unread: z.number().int().nonnegative(), end: z.boolean(), settings: InboxSettings }),
  ),
  /** Mark items read: these ids, or every item (`all: true`). Answers the unread count left. */
  'inbox.read': req(
    { ids: z.array(Id).min(1).max(INBOX_LIMITS.readMax).optional(), all: z.literal(true).optional() },
    z.object({ unread: z.number().int().nonnegative() }),
  ),
  /** Switch kinds on or off (left out: kept). Items already in the inbox stay. */
  'inbox.settings': req(
    { mention: z.boolean().optional(), reply: z.boolean().optional(), comment: z.boolean().optional(), post: z.boolean().optional(), reaction: z.boolean().optional() },
    z.object({ settings: InboxSettings }),
  ),
} as const;
