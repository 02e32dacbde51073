import type { AuditEntry } from '@open-discord/protocol';
import { withOperatorServices } from '../app.js';
import { openExistingStorage } from './config.js';

/**
 * `od-server audit [--limit N]`: the newest privileged actions, one per line, oldest of them first (as a log
 * reads). The operator sees every entry, hidden rooms included: they own the database anyway.
 */
export function auditList(dataDir: string, o: { limit: number }): Promise<string[]> {
  return withOperatorServices(openExistingStorage(dataDir), async (s, storage) => {
    const { entries } = await s.audit.list(null, { limit: o.limit });
    const nick = async (id: string | null) => (id === null ? 'operator' : ((await storage.users.byId(id))?.nickname ?? id));
    const room = async (id: string) => `#${(await storage.rooms.get(id))?.name ?? id}`;
    const lines: string[] = [];
    for (const e of [...entries].reverse()) lines.push(await formatEntry(e, nick, room));
    return lines;
  });
}

/** `2026-11-28 01:02:03  olga  room.retention  in #vault  seconds=604800` */
export async function formatEntry(
  e: AuditEntry,
  nick: (id: string | null) => Promise<string>,
  room: (id: string) => Promise<string>,
): Promise<string> {
  const parts = [new Date(e.at).toISOString().replace('T', ' ').slice(0, 19), await nick(e.actorId), e.action];
  if (e.targetUserId !== null) parts.push(`→ ${await nick(e.targetUserId)}`);
  if (e.roomId !== null) parts.push(`in ${await room(e.roomId)}`);
  const detail = Object.entries(e.detail).map(([k, v]) => `${k}=${typeof v === 'string' ? v : String(v)}`);
  if (detail.length > 0) parts.push(detail.join(' '));
  return parts.join('  ');
}
