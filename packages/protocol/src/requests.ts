import { z } from 'zod';
import { KnownEvent } from './events.js';
import { COLOR_RE, LIMITS } from './limits.js';
import { Category, Color, Id, Invite, Me, Message, Order, Permission, PublicUser, Role, Room, Unread } from './model.js';
import { nameProblem, textProblem } from './text.js';

/**
 * Every request a client can make: its params (the frame minus `id` and `type`) and its result.
 * The server validates params with these schemas; clients get their types from them. Params are strict:
 * a field the server does not know is refused (BAD_REQUEST), never silently ignored.
 */
const req = <P extends z.ZodRawShape, R extends z.ZodTypeAny>(params: P, result: R) => ({
  params: z.strictObject(params),
  result,
});

/** Refuse a string by one of the text rules in text.ts. */
const rule = (problem: (s: string) => string | null) => (s: string, ctx: z.RefinementCtx) => {
  const p = problem(s);
  if (p !== null) ctx.addIssue({ code: 'custom', message: p });
};
const name = (max: number) => z.string().trim().min(1).max(max).superRefine(rule(nameProblem));
const messageText = z.string().min(1).max(LIMITS.maxMessageLength).superRefine(rule(textProblem));
const topic = z.string().max(LIMITS.topicMax).superRefine(rule(textProblem));

const Ok = z.object({ ok: z.literal(true) });
const roomName = name(LIMITS.roomNameMax);
/** One highlight word: no spaces, no invisible characters. */
const highlightWord = z
  .string()
  .trim()
  .min(2)
  .max(LIMITS.nicknameMax)
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'highlight words may contain letters, digits, _ . - only')
  .superRefine(rule(nameProblem));
const nick = z.string().trim().min(LIMITS.nicknameMin).max(LIMITS.nicknameMax).superRefine(rule(nameProblem));

export const SyncResult = z.object({
  /** Visible events after `after`, ascending. */
  events: z.array(KnownEvent),
  /** The client is now accounted for every order up to here (hidden orders in between are redacted). */
  through: Order,
  /** More pages follow (call again with `after: through`). */
  more: z.boolean(),
  /**
   * The client is too far behind (or behind the retention horizon): no events are returned; load `state`
   * and recent history instead, then continue live from `state.head`.
   */
  snapshotRequired: z.boolean().default(false),
});
export type SyncResult = z.infer<typeof SyncResult>;

export const StateResult = z.object({
  head: Order,
  me: Me,
  users: z.array(PublicUser),
  /**
   * Former members (kicked, banned) who wrote messages in rooms you can see, so their old messages still
   * show a name after a fresh login. Not members: never in `users`.
   */
  formerUsers: z.array(PublicUser).optional(),
  /** Every room you can see, joined or not (the room browser lists the others). */
  rooms: z.array(Room),
  /** The rooms you are in: their messages reach you, and their unread counts are kept. */
  joined: z.array(Id).default([]),
  categories: z.array(Category),
  roles: z.array(Role),
  /** Per joined room: the order of the last event this user marked read (0 if never). */
  readMarkers: z.record(z.string(), Order),
  /** Per joined room: messages after the read marker, and those mentioning this user. */
  unread: z.record(z.string(), Unread),
});
export type StateResult = z.infer<typeof StateResult>;

export const REQUESTS = {
  /** The world as this user sees it. */
  state: req({}, StateResult),
  /** Visible events after `after`, paged. */
  sync: req({ after: Order, limit: z.number().int().min(1).max(LIMITS.syncPageSize).optional() }, SyncResult),
  /** A room's messages, newest page first: returns up to `limit` messages with order < `before`, ascending. */
  history: req(
    {
      roomId: Id,
      before: Order.optional(),
      limit: z.number().int().min(1).max(LIMITS.historyMaxLimit).optional(),
    },
    z.object({
      messages: z.array(Message),
      /** True when the first message of the room is included (nothing older exists). */
      end: z.boolean(),
    }),
  ),
  'message.send': req(
    {
      roomId: Id,
      text: messageText,
      /** Client-chosen idempotency key: a retried send with the same nonce returns the original message. */
      nonce: z.string().min(1).max(LIMITS.nonceMax),
      action: z.boolean().optional(),
    },
    z.object({ message: Message }),
  ),
  'message.edit': req(
    { messageId: Id, text: messageText },
    z.object({ message: Message }),
  ),
  'message.delete': req({ messageId: Id }, Ok),
  'read.mark': req({ roomId: Id, order: Order }, Ok),
  'room.create': req(
    {
      name: roomName,
      topic: topic.optional(),
      categoryId: Id.nullable().optional(),
      /** Create the room already restricted to these roles (as `room.restrict`, which needs manage_rooms). */
      restrictedTo: z.array(Id).min(1).max(32).optional(),
    },
    z.object({ room: Room }),
  ),
  'room.update': req(
    {
      roomId: Id,
      name: roomName.optional(),
      topic: topic.optional(),
      /** Make it a default room (new members join it) or not; needs manage_rooms. */
      autoJoin: z.boolean().optional(),
    },
    z.object({ room: Room }),
  ),
  /**
   * Join a room you can see: its messages reach you from now on, and your read marker moves to the join
   * (a `read.marked` after the `room.joined`), so nothing said before counts as unread. Joining again changes nothing.
   */
  'room.join': req({ roomId: Id }, z.object({ room: Room })),
  /** Leave a room: its messages stop reaching you (it stays in the room browser). */
  'room.part': req({ roomId: Id }, Ok),
  /** Who is in a room you can see. */
  'room.members': req({ roomId: Id }, z.object({ userIds: z.array(Id) })),
  'room.move': req(
    { roomId: Id, categoryId: Id.nullable(), position: z.number().int().min(0).optional() },
    z.object({ room: Room }),
  ),
  'room.restrict': req({ roomId: Id, roleIds: z.array(Id).min(1).max(32) }, z.object({ room: Room })),
  'room.open': req({ roomId: Id }, z.object({ room: Room })),
  'room.delete': req({ roomId: Id }, Ok),
  'category.create': req({ name: name(LIMITS.categoryNameMax) }, z.object({ category: Category })),
  'category.update': req(
    {
      categoryId: Id,
      name: name(LIMITS.categoryNameMax).optional(),
      position: z.number().int().min(0).optional(),
    },
    z.object({ category: Category }),
  ),
  'category.delete': req({ categoryId: Id }, Ok),
  'nick.set': req({ nickname: nick }, z.object({ user: PublicUser })),
  /** `color: null` returns to the default hashed colour. Named colours are resolved by clients. */
  'color.set': req({ color: z.string().regex(COLOR_RE).nullable() }, z.object({ user: PublicUser })),
  'role.create': req(
    { name: name(LIMITS.roleNameMax), color: Color.nullable().optional() },
    z.object({ role: Role }),
  ),
  'role.delete': req({ roleId: Id }, Ok),
  'role.update': req(
    {
      roleId: Id,
      add: z.array(Permission).optional(),
      remove: z.array(Permission).optional(),
      color: Color.nullable().optional(),
      /** Move the role in the ranking (higher outranks lower); see docs/protocol.md for who may. */
      position: z.number().int().min(1).optional(),
    },
    z.object({ role: Role }),
  ),
  'role.grant': req({ userId: Id, roleId: Id }, Ok),
  'role.revoke': req({ userId: Id, roleId: Id }, Ok),
  'member.kick': req({ userId: Id }, Ok),
  'member.ban': req({ userId: Id }, Ok),
  /** Turn a ban back into a kick: the account may rejoin with an invite. */
  'member.unban': req({ userId: Id }, Ok),
  /** Your private highlight words (replacing the old list; `[]` clears it). */
  'highlight.set': req(
    { words: z.array(highlightWord).max(LIMITS.highlightWordsMax) },
    z.object({ highlights: z.array(z.string()) }),
  ),
  /** A new invite code (needs create_invites). `roleId`: a role below your highest, granted on signup. */
  'invite.create': req(
    {
      uses: z.number().int().min(1).max(1000).optional(),
      expiresInSec: z.number().int().min(60).max(365 * 86_400).optional(),
      roleId: Id.optional(),
    },
    z.object({ invite: Invite }),
  ),
  /** Your own invites; everyone's with manage_invites. Newest first. */
  'invite.list': req({}, z.object({ invites: z.array(Invite) })),
  /** Revoke an invite by its code or its id (`inviteId`: a request frame's own `id` is its correlation id): your own, or anyone's with manage_invites. */
  'invite.revoke': req({ code: z.string().trim().min(1).max(64).optional(), inviteId: Id.optional() }, Ok),
} as const;

export type RequestType = keyof typeof REQUESTS;
export const REQUEST_TYPES = Object.keys(REQUESTS) as RequestType[];
export type RequestParams<T extends RequestType> = z.input<(typeof REQUESTS)[T]['params']>;
export type ParsedParams<T extends RequestType> = z.output<(typeof REQUESTS)[T]['params']>;
export type RequestResult<T extends RequestType> = z.output<(typeof REQUESTS)[T]['result']>;
