import { z } from 'zod';
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
});
export type PublicUser = z.infer<typeof PublicUser>;

/** The authenticated user's own view of themself. */
export const Me = PublicUser.extend({
  username: z.string(),
  /** Private highlight words (`highlight.set`): a message containing one counts as mentioning you. */
  highlights: z.array(z.string()).optional(),
});
export type Me = z.infer<typeof Me>;

export const RoomKind = z.enum(['text', 'dm', 'group']);
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
  /** A default room: everyone who signs up joins it (a fresh community's #general is one). */
  autoJoin: z.boolean().optional(),
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
  /** User ids mentioned with @nickname. */
  mentions: z.array(Id).optional(),
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
