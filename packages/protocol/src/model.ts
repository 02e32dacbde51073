import { z } from 'zod';
import { emojiProblem } from './emoji.js';
import { COLOR_RE, LIMITS } from './limits.js';

/** Ids are opaque strings chosen by the server (or, for nonces, by the client). */
export const Id = z.string().min(1).max(64);
/** A position in the server's event log. 0 means "before the first event". */
export const Order = z.number().int().nonnegative();
/** Milliseconds since the Unix epoch. */
export const Timestamp = z.number().int().nonnegative();
export const Color = z.string().regex(COLOR_RE, 'colour must be #rrggbb (lower case)');

export const PERMISSIONS = [
  'create_rooms',
  'manage_rooms',
  'manage_roles',
  'manage_members',
  'moderate_messages',
  'mention_everyone',
  /** Create invite codes (`invite.create`); list and revoke one's own. */
  'create_invites',
  /** List and revoke everyone's invites. */
  'manage_invites',
  /** Rename, set the topic of, and delete the rooms one created (held by `everyone` by default). */
  'manage_own_rooms',
] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

/** What others see: online, away (idle or chose away) or offline (or chose to appear offline). */
export const PresenceStatus = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;
/** What a user chose: presence by activity, always away, or appear offline. */
export const PresenceMode = z.enum(['auto', 'away', 'invisible']);
export type PresenceMode = z.infer<typeof PresenceMode>;

/** What other users see of a user. The login username is never part of it. */
export const PublicUser = z.object({
  id: Id,
  nickname: z.string(),
  /** Chosen colour, or null for the default (a hash of the id over the client's palette). */
  color: Color.nullable(),
  /** Role ids held, besides the implicit `everyone`. */
  roles: z.array(Id).default([]),
  /** Current presence; part of `state` only, changes arrive as ephemeral `presence` frames. */
  online: z.boolean().optional(),
  /** The same, with away told apart (`state` only, like `online`). */
  presence: PresenceStatus.optional(),
  /** A short status text the user set (`status.set`), shown beside their name in member lists. */
  statusText: z.string().optional(),
});
export type PublicUser = z.infer<typeof PublicUser>;

/** The authenticated user's own view of themself. */
export const Me = PublicUser.extend({
  username: z.string(),
  /** Private highlight words (`highlight.set`): a message containing one counts as mentioning you. */
  highlights: z.array(z.string()).optional(),
  /** The presence mode chosen (`presence.set`); absent means `auto`. */
  presenceMode: PresenceMode.optional(),
});
export type Me = z.infer<typeof Me>;

/**
 * `forum`: a board of posts (threads with a title); `voice`: a room people talk in (`voice.join`), with a
 * text chat beside it. Both are community rooms like `text`, placed and gated the same way.
 */
export const RoomKind = z.enum(['text', 'dm', 'group', 'forum', 'voice']);
/** A community room (text, forum or voice): placed in categories, gated by roles, joined and left; not a chat. */
export function isCommunityRoom(kind: string | undefined): boolean {
  return kind === 'text' || kind === 'forum' || kind === 'voice';
}
export const Room = z.object({
  id: Id,
  name: z.string(),
  topic: z.string().default(''),
  kind: RoomKind.default('text'),
  categoryId: Id.nullable().default(null),
  position: z.number().int().default(0),
  /** Role ids allowed to see the room; null = everyone. The owner always sees every non-DM room. */
  restrictedTo: z.array(Id).nullable().default(null),
  /** Members, for `dm` and `group` rooms only. */
  members: z.array(Id).optional(),
  /** `group` rooms only: the members who manage it (add, remove, rename); its creator is one. */
  admins: z.array(Id).optional(),
  /** `group` rooms only: its owner (its creator until handed on), who alone chooses admins and is never removed. */
  owner: Id.optional(),
  /** A default room: everyone who signs up joins it (a fresh community's #general is one). */
  autoJoin: z.boolean().optional(),
  /** Slowmode: each member may send one message per this many seconds (moderators are exempt); absent = off. */
  slowmodeSec: z.number().int().positive().optional(),
  /**
   * The room's own retention policy in seconds (`room.retention`): messages older than this are deleted for
   * good; 0 keeps them forever. Absent: the server's default applies (which may be to keep forever).
   */
  retentionSec: z.number().int().nonnegative().optional(),
  /**
   * The retention horizon: every message of the room up to this order has expired and is gone (history
   * ends there: clients say so instead of loading further). Absent: nothing has expired.
   */
  expiredThrough: z.number().int().positive().optional(),
});
export type Room = z.infer<typeof Room>;

export const Category = z.object({
  id: Id,
  name: z.string().max(LIMITS.categoryNameMax),
  position: z.number().int(),
});
export type Category = z.infer<typeof Category>;

export const Role = z.object({
  id: Id,
  name: z.string(),
  color: Color.nullable(),
  /** Higher positions outrank lower ones; owner is highest, everyone is 0. */
  position: z.number().int(),
  permissions: z.array(Permission),
  /** Built-in roles (`owner`, `admin`, `everyone`) cannot be deleted or renamed. */
  builtin: z.boolean().default(false),
});
export type Role = z.infer<typeof Role>;

/** A reaction emoji (an emoji, or a `:shortcode:` the server resolves): see emoji.ts. */
export const Emoji = z.string().superRefine((s, ctx) => {
  const problem = emojiProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** One emoji on a message and who reacted with it, in the order they did. */
export const Reaction = z.object({ emoji: Emoji, userIds: z.array(Id) });
export type Reaction = z.infer<typeof Reaction>;
/**
 * A tiny picture of an image for terminals: up to 32 x 32 RGB pixels, row by row, base64. The server makes
 * it (the client needs no image decoder) so any truecolor terminal can draw it as Unicode half blocks.
 */
export const Preview = z.object({
  width: z.number().int().min(1).max(32),
  height: z.number().int().min(1).max(32),
  rgb: z.string().max(5464),
});
export type Preview = z.infer<typeof Preview>;

/** An uploaded file as messages carry it (and as the upload answers it). */
export const Attachment = z.object({
  id: Id,
  /** For display only: sanitised by the server, never used as a path (120 code points: up to 240 UTF-16 units). */
  name: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  /** Sniffed from the bytes by the server; the declared type is never trusted. */
  mime: z.string().min(1).max(100),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** The server has a thumbnail (`GET /api/files/<id>/thumb`). */
  thumb: z.boolean().optional(),
  preview: Preview.optional(),
});
export type Attachment = z.infer<typeof Attachment>;
/**
 * A thread root's summary (threads are one level: every reply points at its root). Kept on the root by the
 * server in the same step as each reply; clients update it from the replies' `message.created`.
 */
export const ThreadSummary = z.object({
  /** Live replies (a deleted reply leaves the count). */
  count: z.number().int().nonnegative(),
  /** When the newest live reply was sent; 0 when none is left. */
  lastAt: Timestamp,
  /** The order of the newest reply counted, so a client never counts a reply twice. */
  lastOrder: Order,
  /** Authors of the most recent replies, newest first, distinct, at most 3. */
  lastAuthorIds: z.array(Id).max(3),
});
export type ThreadSummary = z.infer<typeof ThreadSummary>;

export const Message = z.object({
  id: Id,
  roomId: Id,
  authorId: Id,
  text: z.string(),
  createdAt: Timestamp,
  /** The event order that created it: a total order across the server, also the history cursor. */
  order: Order,
  /** The sender's idempotency nonce, so the sender can match its pending copy. */
  nonce: z.string().max(LIMITS.nonceMax).optional(),
  editedAt: Timestamp.optional(),
  /** `/me` action messages. */
  action: z.boolean().optional(),
  /** User ids mentioned with @nickname (and, from a user allowed to, everyone @room/@here reached). */
  mentions: z.array(Id).optional(),
  /**
   * Reactions, in the order each emoji was first added: on `history` replies only (events never carry
   * them; `reaction.added`/`reaction.removed` keep a loaded message current).
   */
  reactions: z.array(Reaction).optional(),
  /** Uploaded files the message carries (its text may then be empty). */
  attachments: z.array(Attachment).optional(),
  /** On a thread reply: the root's id (every reply points at the root). */
  threadId: Id.optional(),
  /** On a thread reply also shown in the room's own list (and counted in its unread). */
  alsoInRoom: z.boolean().optional(),
  /** On a thread root with replies: its summary. */
  thread: ThreadSummary.optional(),
});
export type Message = z.infer<typeof Message>;

export const Unread = z.object({
  count: z.number().int().nonnegative(),
  mentions: z.number().int().nonnegative(),
});
export type Unread = z.infer<typeof Unread>;

/** An invite code as its creator (or a manager of invites) sees it; invites are never events. */
export const Invite = z.object({
  id: Id,
  /** The code to sign up with; shown to its creator only (others see `id` and revoke by it). */
  code: z.string().optional(),
  /** Signups it still allows. */
  usesLeft: z.number().int().nonnegative(),
  /** Epoch ms, or null for never. */
  expiresAt: Timestamp.nullable(),
  /** Role granted on signup, or null. */
  roleId: Id.nullable(),
  /** Who created it; null for the operator (the command line, or the first-run owner invite). */
  createdBy: Id.nullable(),
  createdAt: Timestamp,
});
export type Invite = z.infer<typeof Invite>;

/** How much of a room's traffic notifies its user: every message, mentions only, or nothing. */
export const NotifyLevel = z.enum(['all', 'mentions', 'none']);
export type NotifyLevel = z.infer<typeof NotifyLevel>;

/** One user's own settings for one room; nobody else sees them. */
export const RoomSettings = z.object({
  roomId: Id,
  muted: z.boolean(),
  /** null: the user's default level for the room's kind (`NotifyDefaults`). */
  level: NotifyLevel.nullable(),
  /** The name this user gives the room on their own screens; null: the room's name. */
  localName: z.string().nullable(),
});
export type RoomSettings = z.infer<typeof RoomSettings>;

/** One user's server-wide notification levels, for rooms without one of their own: text rooms, and chats. */
export const NotifyDefaults = z.object({ rooms: NotifyLevel, chats: NotifyLevel });
export type NotifyDefaults = z.infer<typeof NotifyDefaults>;
/** Until a user sets theirs: text rooms ring on mentions, direct and group chats on every message. */
export const DEFAULT_NOTIFY: NotifyDefaults = { rooms: 'mentions', chats: 'all' };
