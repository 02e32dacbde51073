import { z } from 'zod';
import { Id, Message } from '../model.js';

/*
 * The data export (`POST /api/export`, `od export`): everything the server holds about the asking user that
 * they may still see — never anything of rooms hidden from them, not even their own old messages there.
 */

export const AccountExport = z.object({
  exportedAt: z.number().int(),
  user: z.object({
    id: Id,
    username: z.string(),
    nickname: z.string(),
    color: z.string().nullable(),
    statusText: z.string().nullable(),
    createdAt: z.number().int(),
    roles: z.array(Id),
    highlights: z.array(z.string()),
    twoFactor: z.boolean(),
  }),
  /** What the user wrote about themself (`/bio`), the avatar file (among `files` when they uploaded it), and whether they show their follows. */
  profile: z.object({ bio: z.string(), avatarFileId: Id.nullable(), showFollows: z.boolean() }),
  /**
   * The rooms the user is in (joined text rooms and boards, their DMs and groups) and the rooms the messages
   * below are in, as the user sees them. `member`: the user is in it now; `with`: a DM's or group's other members.
   */
  rooms: z.array(
    z.object({ id: Id, name: z.string(), kind: z.string(), topic: z.string(), member: z.boolean(), with: z.array(z.object({ id: Id, nickname: z.string() })).optional() }),
  ),
  /** The forum posts the user bookmarked, on boards they can see, newest bookmark first. */
  bookmarks: z.array(z.object({ postId: Id, roomId: Id, title: z.string() })),
  /** People the user follows, and people who follow them. */
  following: z.array(z.object({ id: Id, nickname: z.string() })),
  followers: z.array(z.object({ id: Id, nickname: z.string() })),
  /** Every live message the user wrote, oldest first. */
  messages: z.array(Message),
  /** Every reaction the user gave, on messages they can see. */
  reactions: z.array(z.object({ messageId: Id, roomId: Id, emoji: z.string(), createdAt: z.number().int() })),
  /** Every file the user uploaded that they can still fetch (`GET /api/files/:id`). */
  files: z.array(z.object({ id: Id, name: z.string(), size: z.number().int(), mime: z.string(), createdAt: z.number().int() })),
});
export type AccountExport = z.infer<typeof AccountExport>;
