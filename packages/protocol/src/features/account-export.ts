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
  /** The rooms the messages below are in (DMs and groups included), as the user sees them. */
  rooms: z.array(z.object({ id: Id, name: z.string(), kind: z.string(), topic: z.string() })),
  /** Every live message the user wrote, oldest first. */
  messages: z.array(Message),
  /** Every reaction the user gave, on messages they can see. */
  reactions: z.array(z.object({ messageId: Id, roomId: Id, emoji: z.string(), createdAt: z.number().int() })),
  /** Every file the user uploaded that they can still fetch (`GET /api/files/:id`). */
  files: z.array(z.object({ id: Id, name: z.string(), size: z.number().int(), mime: z.string(), createdAt: z.number().int() })),
});
export type AccountExport = z.infer<typeof AccountExport>;
