import { z } from 'zod';
import { Id } from '../model.js';
import { req } from './request.js';

/*
 * The audit log: privileged actions (roles, kicks and bans, rooms and their permissions, invites, two-factor
 * requirements, retention, account deletions), each with who did it, to whom, and when. Read by the owner
 * and holders of manage_roles or manage_members; an entry about a room the reader cannot see is left out.
 */

export const AuditEntry = z.object({
  /** Increasing; page with `before`. */
  seq: z.number().int().positive(),
  at: z.number().int(),
  /** Null: the server operator (`od-server` on the command line). */
  actorId: Id.nullable(),
  /** The request it was (`member.ban`, `role.grant`, `account.delete`, …). */
  action: z.string(),
  targetUserId: Id.nullable(),
  roomId: Id.nullable(),
  /** The request's other parameters (never passwords or codes). */
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const requests = {
  /** The newest entries first, up to `limit` (50), older than `before` when given. */
  'audit.list': req(
    { before: z.number().int().positive().optional(), limit: z.number().int().min(1).max(200).optional() },
    z.object({ entries: z.array(AuditEntry) }),
  ),
} as const;
