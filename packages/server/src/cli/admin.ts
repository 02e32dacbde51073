import path from 'node:path';
import type { Storage } from '../ports/storage.js';
import { createInvite, createResetCode } from '../features/accounts/service.js';
import { ConfigError, openExistingStorage, parseDuration, parseIntRange } from './config.js';

/*
 * Operator commands. They open the same SQLite file the running server uses (WAL + busy_timeout make
 * that safe) and never need the server to be stopped.
 */

async function withStore<T>(dataDir: string, fn: (store: Storage) => Promise<T>): Promise<T> {
  const store = openExistingStorage(dataDir);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function inviteCreate(dataDir: string, o: { uses?: string; expires?: string; role?: string }): Promise<string> {
  const uses = o.uses === undefined ? 1 : (parseIntRange(1, 1_000_000)(o.uses, '--uses') as number);
  const expiresInMs = o.expires === undefined ? null : parseDuration(o.expires, '--expires');
  return withStore(dataDir, async (store) => {
    let roleId: string | null = null;
    if (o.role !== undefined) {
      const role = await store.roles.get(o.role) ?? await store.roles.byName(o.role);
      if (!role) throw new ConfigError(`no such role "${o.role}"`);
      if (role.id === 'everyone') throw new ConfigError('everyone holds the everyone role already; omit --role');
      roleId = role.id;
    }
    return createInvite({ store, now: Date.now }, { uses, expiresInMs, roleId }, true);
  });
}

/** Columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** Every account, removed ones included: role names (not ids) and a status (active, kicked, banned). */
export function userList(dataDir: string): Promise<string> {
  return withStore(dataDir, async (store) => {
    const roleName = new Map((await store.roles.list()).map((r) => [r.id, r.name]));
    const rows: string[][] = [];
    for (const u of await store.users.all()) {
      rows.push([
        u.id,
        u.username,
        u.nickname,
        (await store.roles.rolesOf(u.id)).map((id) => roleName.get(id) ?? id).join(',') || '-',
        u.removedReason ?? 'active',
        new Date(u.createdAt).toISOString(),
      ]);
    }
    return table(['ID', 'USERNAME', 'NICKNAME', 'ROLES', 'STATUS', 'CREATED'], rows);
  });
}

/** Every invite with its code (the operator sees them all), newest first. */
export function inviteList(dataDir: string, now = Date.now()): Promise<string> {
  return withStore(dataDir, async (store) => {
    const roleName = new Map((await store.roles.list()).map((r) => [r.id, r.name]));
    const rows: string[][] = [];
    for (const i of await store.credentials.invites()) {
      const status = i.usesLeft <= 0 ? 'used' : i.expiresAt !== null && i.expiresAt <= now ? 'expired' : 'active';
      const by = i.createdBy === null ? '(operator)' : ((await store.users.byId(i.createdBy))?.nickname ?? i.createdBy);
      rows.push([
        i.code,
        i.id,
        String(i.usesLeft),
        i.expiresAt === null ? 'never' : new Date(i.expiresAt).toISOString(),
        i.roleId === null ? '-' : (roleName.get(i.roleId) ?? i.roleId),
        by,
        status,
      ]);
    }
    return table(['CODE', 'ID', 'USES LEFT', 'EXPIRES', 'ROLE', 'CREATED BY', 'STATUS'], rows);
  });
}

/** Revoke an invite by code or id (any invite: the operator's first-run owner invite too). */
export function inviteRevoke(dataDir: string, codeOrId: string): Promise<string> {
  return withStore(dataDir, async (store) => {
    const key = codeOrId.trim();
    const row = await store.credentials.invite(key.toUpperCase()) ?? await store.credentials.inviteById(key);
    if (!row) throw new ConfigError(`no invite with the code or id "${codeOrId}"`);
    await store.transaction(async () => {
      await store.credentials.deleteInvite(row.code);
      await store.audit.append({ at: Date.now(), actorId: null, action: 'invite.revoke', targetUserId: null, roomId: null, detail: { inviteId: row.id } });
    });
    return row.code;
  });
}

export function userResetPassword(dataDir: string, username: string, opts: { clearTwoFactor?: boolean } = {}): Promise<string> {
  return withStore(dataDir, async (store) => {
    try {
      return await createResetCode({ store, now: Date.now }, username, opts);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  });
}

/** Online backup by the storage adapter (SQLite's backup API); a progress bar goes to `progress` (stderr). */
export async function backup(dataDir: string, file: string, progress: (line: string) => void): Promise<void> {
  const storage = openExistingStorage(dataDir);
  try {
    await storage.backup(file, (done, total) => {
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
      progress(`\rbackup [${bar}] ${pct}% (${done}/${total} pages)`);
    });
    progress(`\rbackup [${'#'.repeat(20)}] 100%${' '.repeat(24)}\n`);
    // A copy of everything is an export of everyone's data: recorded once it exists (not in the copy itself).
    await storage.transaction(() => storage.audit.append({ at: Date.now(), actorId: null, action: 'server.backup', targetUserId: null, roomId: null, detail: { file: path.basename(file) } }));
  } finally {
    storage.close();
  }
}
