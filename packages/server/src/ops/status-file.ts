import fs from 'node:fs';
import path from 'node:path';

/**
 * What a running server tells the operator's command line (`od-server stats`, `od-server doctor`) about
 * itself: counts only, never a name, address or message. The file is rewritten every few seconds (to a
 * temporary name, then renamed, so a reader never sees half of it) and removed on a clean stop; a file
 * whose `pid` no longer runs, or that has not been rewritten for a while, belongs to a server that died.
 */
export interface ServerStatus {
  pid: number;
  version: string;
  url: string;
  startedAt: number;
  updatedAt: number;
  /** Authenticated WebSocket connections. */
  connections: number;
  /** Users with at least one connection. */
  onlineUsers: number;
  /** The newest published event order. */
  head: number;
  /** How often the file is rewritten: a file older than a few intervals belongs to a stuck server. */
  intervalMs: number;
}

export const STATUS_FILE = 'status.json';

export function statusFile(dataDir: string): string {
  return path.join(dataDir, STATUS_FILE);
}

/** Start rewriting the status file; returns the function that stops and removes it. */
export function writeStatusFile(
  dataDir: string,
  read: () => Omit<ServerStatus, 'updatedAt' | 'intervalMs'>,
  now: () => number,
  intervalMs: number,
): () => void {
  const file = statusFile(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  const write = () => {
    try {
      fs.writeFileSync(tmp, `${JSON.stringify({ ...read(), updatedAt: now(), intervalMs })}\n`, { mode: 0o600 });
      fs.renameSync(tmp, file);
    } catch {
      // A full disk or a folder made read-only must not stop the server; stats just look stale then.
    }
  };
  write();
  const timer = setInterval(write, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const f of [tmp, file]) fs.rmSync(f, { force: true });
  };
}

export type StatusReading =
  | { state: 'running'; status: ServerStatus }
  | { state: 'stale'; status: ServerStatus; reason: string }
  | { state: 'absent' };

/** The running server's status, judged: alive only if its pid runs and it wrote recently. */
export function readStatusFile(dataDir: string, now: number): StatusReading {
  let status: ServerStatus;
  try {
    status = JSON.parse(fs.readFileSync(statusFile(dataDir), 'utf8')) as ServerStatus;
  } catch {
    return { state: 'absent' };
  }
  if (!pidRuns(status.pid)) return { state: 'stale', status, reason: `process ${status.pid} is not running (the server did not stop cleanly)` };
  if (now - status.updatedAt > Math.max(status.intervalMs, 1000) * 4) {
    return { state: 'stale', status, reason: `not updated for ${Math.round((now - status.updatedAt) / 1000)} s (is the server stuck?)` };
  }
  return { state: 'running', status };
}

function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
