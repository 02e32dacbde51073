import fs from 'node:fs';
import { createInvite, createResetCode } from '../services/auth.js';
import { Store } from '../store/store.js';
import { ConfigError, parseDuration, parseIntRange } from './config.js';

/*
 * Operator commands. They open the same SQLite file the running server uses (WAL + busy_timeout make
 * that safe) and never need the server to be stopped.
 */

function withStore<T>(dataDir: string, fn: (store: Store) => T): T {
  const store = Store.open(dataDir);
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

/**
 * Online backup through SQLite's backup API; progress goes to `progress` (stderr). The copy holds password
 * hashes and signing data, so it is private to its owner (0600) before a single page is written: SQLite
 * would create it world-readable, and gives its journal the database file's mode.
 */
export async function backup(dataDir: string, file: string, progress: (line: string) => void): Promise<void> {
  const store = Store.open(dataDir);
  try {
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
    await store.db.backup(file, {
      progress({ totalPages, remainingPages }) {
        const done = totalPages - remainingPages;
        const pct = totalPages === 0 ? 100 : Math.floor((done / totalPages) * 100);
        const bar = '#'.repeat(Math.floor(pct / 5)).padEnd(20, '.');
        progress(`\rbackup [${bar}] ${pct}% (${done}/${totalPages} pages)`);
        return 256; // pages per step: small steps keep the live server's writes flowing
      },
    });
    progress(`\rbackup [${'#'.repeat(20)}] 100%${' '.repeat(24)}\n`);
  } finally {
    store.close();
  }
}
