import { z } from 'zod';
import { KnownEvent } from '../events.js';
import { LIMITS } from '../limits.js';
import { Category, Id, Me, NotifyDefaults, Order, PublicUser, Role, Room, RoomSettings, Unread } from '../model.js';
import { req } from './request.js';
import { FollowedThread } from './threads.js';
import { VoiceParticipant } from './voice.js';

// The world as one user sees it (`state`) and forward paging through the log (`sync`; a resuming
// connection's `replay` frames carry the same pages). Writes no events; its results hold every feature's.

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
  /** This user's own settings, for the rooms they changed any of (the others: not muted, default level; absent: none). */
  roomSettings: z.array(RoomSettings).optional(),
  /** Absent: `DEFAULT_NOTIFY`. */
  notifyDefaults: NotifyDefaults.optional(),
  /** Per direct or group chat: the other members' read markers (those who ever marked it). */
  receipts: z.record(z.string(), z.record(z.string(), Order)).optional(),
  /** Per followed thread (by root id) of a joined room: its level, marker and unread counts. */
  threads: z.record(z.string(), FollowedThread).optional(),
  /** The users this user blocked (private to them); absent: none. */
  blocked: z.array(Id).optional(),
  /** Who is in the voice rooms you can see (absent: nobody). */
  voice: z.array(VoiceParticipant).optional(),
});
export type StateResult = z.infer<typeof StateResult>;

export const requests = {
  /** The world as this user sees it. */
  state: req({}, StateResult),
  /** Visible events after `after`, paged. */
  sync: req({ after: Order, limit: z.number().int().min(1).max(LIMITS.syncPageSize).optional() }, SyncResult),
} as const;
