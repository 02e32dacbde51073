import type { AuditEntry, World } from '@open-discord/protocol';

/** A time as `2026-11-28 01:02` (UTC: the log is read by admins who may be anywhere). */
const when = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 16);

/**
 * The audit log as lines for the overlay, newest first: when, who, what, to whom, in which room and the rest
 * of the request. Names come from the world (former members included); an id the world does not know (a
 * user deleted long ago) is shown as it is.
 */
export function auditLines(entries: readonly AuditEntry[], world: World | null): string[] {
  const nick = (id: string | null) => (id === null ? 'operator' : (world?.users[id] ?? world?.formerUsers[id])?.nickname ?? id);
  const room = (id: string) => `#${world?.rooms[id]?.name ?? id}`;
  if (entries.length === 0) return ['the audit log is empty'];
  return [
    'the audit log, newest first',
    ...entries.map((e) => {
      const parts = [when(e.at), nick(e.actorId), e.action];
      if (e.targetUserId !== null) parts.push(`→ ${nick(e.targetUserId)}`);
      if (e.roomId !== null) parts.push(`in ${room(e.roomId)}`);
      const detail = Object.entries(e.detail).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      if (detail.length) parts.push(detail.join(' '));
      return parts.join('  ');
    }),
  ];
}
