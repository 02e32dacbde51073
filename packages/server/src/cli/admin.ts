import type { SqliteStorage } from '../adapters/sqlite/storage.js';
import { createInvite, createResetCode } from '../features/accounts/service.js';
import { ConfigError, openExistingStorage, parseDuration, parseIntRange } from './config.js';

/*
 * Operator commands. They open the same SQLite file the running server uses (WAL + busy_timeout make
 * that safe) and never need the server to be stopped.
 */

function withStore<T>(dataDir: string, fn: (store: SqliteStorage) => T): T {
  const store = openExistingStorage(dataDir);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export function inviteCreate(dataDir: string, o: { uses?: string; expires?: string; role?: string }): string {
  const uses = o.uses === undefined ? 1 : (parseIntRange(1, 1_000_000)(o.uses, '--uses') as number);
  const expiresInMs = o.expires === undefined ? null : parseDuration(o.expires, '--expires');
  return withStore(dataDir, (store) => {
    let roleId: string | null = null;
    if (o.role !== undefined) {
      const role = store.roles.get(o.role) ?? store.roles.byName(o.role);
      if (!role) throw new ConfigError(`no such role "${o.role}"`);
      if (role.id === 'everyone') throw new ConfigError('everyone holds the everyone role already; omit --role');
      roleId = role.id;
    }
    return createInvite({ store, now: Date.now }, { uses, expiresInMs, roleId });
  });
}

export function userList(dataDir: string): string {
  return withStore(dataDir, (store) => {
    const rows = store.users.list().map((u) => [
      u.id,
      u.username,
      u.nickname,
      store.roles.rolesOf(u.id).join(',') || '-',
      new Date(u.createdAt).toISOString(),
    ]);
    const header = ['ID', 'USERNAME', 'NICKNAME', 'ROLES', 'CREATED'];
    const all = [header, ...rows];
    const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
    return all.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
  });
}

export function userResetPassword(dataDir: string, username: string): string {
  return withStore(dataDir, (store) => {
    try {
      return createResetCode({ store, now: Date.now }, username);
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
  } finally {
    storage.close();
  }
}
