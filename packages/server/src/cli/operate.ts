import fs from 'node:fs';
import path from 'node:path';
import { type Check, databaseChecks, databaseStats, mb } from '../adapters/sqlite/operator-report.js';
import { DB_FILE } from '../adapters/sqlite/db.js';
import { vacuumDatabase } from '../adapters/sqlite/vacuum.js';
import { SECRET_FILE } from '../features/accounts/secret.js';
import { readStatusFile, STATUS_FILE } from '../ops/status-file.js';
import { CONFIG_FILE } from './config.js';
import { table } from './admin.js';

/*
 * `od-server stats` and `od-server doctor`: what an operator asks of a home box. Both read only (the
 * database read-only, the running server's status file); neither changes anything.
 */

const ago = (ms: number): string => {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
};

export function stats(dataDir: string, now = Date.now()): string {
  const d = databaseStats(dataDir, now);
  const server = readStatusFile(dataDir, now);
  const running =
    server.state === 'running'
      ? `running at ${server.status.url} (pid ${server.status.pid}, up ${ago(now - server.status.startedAt)}), ` +
        `${server.status.connections} connections, ${server.status.onlineUsers} users online`
      : server.state === 'stale'
        ? `not running: ${server.reason}`
        : 'not running';
  const rows = [
    ['server', running],
    ['users', `${d.users.active} active, ${d.users.kicked} kicked, ${d.users.banned} banned`],
    ['rooms', `${d.rooms.text} text, ${d.rooms.forum} forum, ${d.rooms.dm} direct, ${d.rooms.group} group (${d.rooms.deleted} deleted)`],
    ['messages', `${d.messages.live} (${d.messages.deleted} deleted)`],
    ['posts', `${d.posts} on boards`],
    ['events', `${d.events.head} (head order)`],
    ['commit rate', `${d.events.lastMinute} events in the last minute, ${d.events.lastHour} in the last hour (${(d.events.lastMinute / 60).toFixed(1)}/s)`],
    ['database', `${mb(d.bytes.database)} + WAL ${mb(d.bytes.wal)}`],
    ['free space', freeSpace(d.bytes.free, d.autoVacuum)],
    ['data folder', `${mb(d.bytes.dataDir)} in ${path.resolve(dataDir)}`],
  ];
  return table(['WHAT', 'VALUE'], rows).split('\n').slice(1).join('\n');
}

/** The database's free pages, and how they come back. */
function freeSpace(free: number, mode: string): string {
  if (mode === 'incremental') return `${mb(free)} free in the file (handed back by the server after each retention sweep)`;
  return `${mb(free)} free in the file, kept (auto_vacuum ${mode}): \`od-server vacuum\` while stopped gives it back and lets the server do it from then on`;
}

/**
 * `od-server vacuum`: rewrite the file compactly in incremental auto-vacuum mode. Refused while the server
 * runs (it would hold the write lock for the whole rewrite, and live writes would fail meanwhile).
 */
export function vacuum(dataDir: string, now = Date.now()): { report: string; ok: boolean } {
  const server = readStatusFile(dataDir, now);
  if (server.state === 'running') {
    return { report: `the server is running (pid ${server.status.pid}): stop it first (VACUUM rewrites the whole file and holds every write meanwhile)`, ok: false };
  }
  if (!fs.existsSync(path.join(dataDir, DB_FILE))) return { report: `no od-server database in ${path.resolve(dataDir)}`, ok: false };
  const r = vacuumDatabase(dataDir);
  const mode = r.modeBefore === 'incremental' ? '' : ` (auto_vacuum ${r.modeBefore} → incremental: the server hands freed space back from now on)`;
  return { report: `database + WAL: ${mb(r.bytesBefore)} before, ${mb(r.bytesAfter)} after${mode}`, ok: true };
}

/** The data folder's files: only their owner may read them (they hold every message and the signing key). */
function fileChecks(dataDir: string): Check[] {
  const checks: Check[] = [];
  let st: fs.Stats;
  try {
    st = fs.statSync(dataDir);
  } catch {
    return [{ level: 'fail', what: 'data folder', detail: `${path.resolve(dataDir)} does not exist` }];
  }
  const uid = process.getuid?.();
  const loose = (mode: number) => (mode & 0o077) !== 0;
  const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');
  checks.push(
    loose(st.mode)
      ? { level: 'fail', what: 'data folder', detail: `mode ${octal(st.mode)}: others may read it; run chmod 700 ${path.resolve(dataDir)} (od-server does on start)` }
      : { level: 'ok', what: 'data folder', detail: `mode ${octal(st.mode)}` },
  );
  if (uid !== undefined && st.uid !== uid) {
    checks.push({ level: 'warn', what: 'data folder owner', detail: `owned by uid ${st.uid}, this command runs as ${uid}` });
  }
  for (const name of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, SECRET_FILE, CONFIG_FILE, STATUS_FILE]) {
    let f: fs.Stats;
    try {
      f = fs.statSync(path.join(dataDir, name));
    } catch {
      if (name === SECRET_FILE) checks.push({ level: 'warn', what: name, detail: 'missing: the next start makes a new one and everyone logs in again' });
      continue;
    }
    if (loose(f.mode)) checks.push({ level: 'fail', what: name, detail: `mode ${octal(f.mode)}: others may read it; run chmod 600 on it` });
  }
  if (!checks.some((c) => c.level !== 'ok' && c.what !== 'data folder owner')) checks.push({ level: 'ok', what: 'file permissions', detail: 'owner only' });
  try {
    const fsStat = fs.statfsSync(dataDir);
    const free = fsStat.bavail * fsStat.bsize;
    const dbBytes = fs.statSync(path.join(dataDir, DB_FILE)).size;
    // A checkpoint, a VACUUM or a backup may need as much again as the database.
    checks.push(
      free < Math.max(256 * 1024 * 1024, dbBytes)
        ? { level: 'warn', what: 'disk space', detail: `${mb(free)} free, database ${mb(dbBytes)}: writes fail with "storage unavailable" when it runs out` }
        : { level: 'ok', what: 'disk space', detail: `${mb(free)} free` },
    );
  } catch {
    // No database yet (reported above) or no statfs on this platform.
  }
  return checks;
}

export function doctor(dataDir: string, o: { full?: boolean }, now = Date.now()): { report: string; ok: boolean } {
  const checks = [...fileChecks(dataDir), ...databaseChecks(dataDir, o.full === true)];
  const server = readStatusFile(dataDir, now);
  checks.push(
    server.state === 'running'
      ? { level: 'ok', what: 'server', detail: `running (pid ${server.status.pid}, ${server.status.connections} connections)` }
      : server.state === 'stale'
        ? { level: 'warn', what: 'server', detail: server.reason }
        : { level: 'ok', what: 'server', detail: 'not running' },
  );
  const tag = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
  const width = Math.max(...checks.map((c) => c.what.length));
  const report = checks.map((c) => `${tag[c.level]}  ${c.what.padEnd(width)}  ${c.detail}`).join('\n');
  return { report, ok: !checks.some((c) => c.level === 'fail') };
}
