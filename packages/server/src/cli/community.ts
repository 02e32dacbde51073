import { type ParsedParams, ProtocolError, type RequestType } from '@open-discord/protocol';
import type { Storage } from '../ports/storage.js';
import { type Services, withOperatorServices } from '../app.js';
import { ConfigError, openExistingStorage } from './config.js';

/*
 * Operator commands that change the community (kick, ban, delete a message, grant roles). They act as the
 * server itself (actor null) through the same services as the wire requests, so the same rules apply and
 * the same events are written. They run in their own process against the same SQLite file; a running
 * server notices the new events (it checks the log's head every 250 ms and before each of its own
 * writes), publishes them to connected clients and closes removed users' sockets.
 */

async function withServices<T>(dataDir: string, fn: (s: Services, store: Storage) => Promise<T>): Promise<T> {
  try {
    return await withOperatorServices(openExistingStorage(dataDir), fn);
  } catch (error) {
    if (error instanceof ProtocolError) throw new ConfigError(error.message);
    throw error;
  }
}

async function userByNick(store: Storage, nick: string): Promise<string> {
  const id = await store.users.idByNickname(nick.replace(/^@/, ''));
  if (!id) throw new ConfigError(`no user with the nickname "${nick}"`);
  return id;
}

async function roleByName(store: Storage, name: string): Promise<string> {
  const role = await store.roles.get(name) ?? await store.roles.byName(name);
  if (!role) throw new ConfigError(`no such role "${name}"`);
  return role.id;
}

/** Run an operator action; its audit entry (actor null: the operator) commits with it, as over the wire. */
function audited<T>(s: Services, type: RequestType, params: ParsedParams<RequestType>, act: () => Promise<T>): Promise<T> {
  return s.audit.around(null, type, params as Record<string, unknown>, act);
}

export const memberKick = (dataDir: string, nick: string) =>
  withServices(dataDir, async (s, store) => {
    const p = { userId: await userByNick(store, nick) };
    return audited(s, 'member.kick', p, () => s.moderation.kick(null, p));
  });

export const memberBan = (dataDir: string, nick: string) =>
  withServices(dataDir, async (s, store) => {
    const p = { userId: await userByNick(store, nick) };
    return audited(s, 'member.ban', p, () => s.moderation.ban(null, p));
  });

export const memberUnban = (dataDir: string, nick: string) =>
  withServices(dataDir, async (s, store) => {
    const p = { userId: await userByNick(store, nick) };
    return audited(s, 'member.unban', p, () => s.moderation.unban(null, p));
  });

export const messageDelete = (dataDir: string, messageId: string) =>
  withServices(dataDir, (s) => s.messageChanges.delete(null, { messageId }));

export const roleGrant = (dataDir: string, nick: string, role: string) =>
  withServices(dataDir, async (s, store) => {
    const p = { userId: await userByNick(store, nick), roleId: await roleByName(store, role) };
    return audited(s, 'role.grant', p, () => s.roles.grant(null, p));
  });

export const roleRevoke = (dataDir: string, nick: string, role: string) =>
  withServices(dataDir, async (s, store) => {
    const p = { userId: await userByNick(store, nick), roleId: await roleByName(store, role) };
    return audited(s, 'role.revoke', p, () => s.roles.revoke(null, p));
  });

/** Roles, highest first: id, name, position, holders, permissions. */
export function roleList(dataDir: string): Promise<string> {
  return withServices(dataDir, async (s, store) => {
    const holders = new Map<string, number>();
    for (const g of await store.roles.allGrants()) holders.set(g.roleId, (holders.get(g.roleId) ?? 0) + 1);
    const rows = (await s.roles.list()).map((r) => [
      r.id,
      r.name + (r.builtin ? ' (built-in)' : ''),
      String(r.position),
      r.id === 'everyone' ? 'all' : String(holders.get(r.id) ?? 0),
      r.permissions.join(',') || '-',
    ]);
    const header = ['ID', 'NAME', 'POSITION', 'HOLDERS', 'PERMISSIONS'];
    const all = [header, ...rows];
    const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
    return all.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
  });
}
