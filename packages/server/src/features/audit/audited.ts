import type { RequestType } from '@open-discord/protocol';

/**
 * The requests that are privileged actions, recorded in the audit log when they succeed: roles, removing
 * members, rooms and who may see them, invites, two-factor requirements, retention, slowmode, moderating
 * posts. Account deletion (one's own, but irreversible: admins are asked about it) is recorded in the same
 * write as the deletion.
 */
export const AUDITED: ReadonlySet<RequestType> = new Set<RequestType>([
  'role.create',
  'role.update',
  'role.delete',
  'role.grant',
  'role.revoke',
  'member.kick',
  'member.ban',
  'member.unban',
  'room.update',
  'room.restrict',
  'room.open',
  'room.delete',
  'room.retention',
  'room.slowmode',
  'category.create',
  'category.update',
  'category.delete',
  'post.moderate',
  'invite.create',
  'invite.revoke',
  'twofa.require',
  'twofa.unrequire',
  // Recorded by the services themselves, in the step that does them (WriteContext.audit), because only
  // they know when it is privileged or what it was: account.delete (account-security/deletion.ts),
  // message.delete of someone else's message (messages/changes.ts), data.export (account-security),
  // and the operator's invite, reset-password, retention and backup commands.
]);

/** Parameters never written to the log: secrets (passwords, codes, invite codes), and what has a column. */
const LEFT_OUT = new Set(['password', 'current', 'code', 'userId', 'roomId']);

/** Who/what a request acted on, and the rest of its parameters as the entry's detail. */
export function describe(params: Record<string, unknown>): {
  targetUserId: string | null;
  roomId: string | null;
  detail: Record<string, unknown>;
} {
  const detail: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (!LEFT_OUT.has(k) && v !== undefined) detail[k] = v;
  const target = typeof params.userId === 'string' ? params.userId : null;
  return { targetUserId: target, roomId: typeof params.roomId === 'string' ? params.roomId : null, detail };
}
