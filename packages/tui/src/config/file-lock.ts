import fs from 'node:fs';

export interface FileLockOptions {
  /** Give up waiting after this long. */
  timeoutMs?: number;
  /** A lock file older than this was left by a process that died holding it: take it over. */
  staleMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Run `fn` while holding an exclusive lock file (created with O_EXCL, so exactly one process wins), for work
 * that several od processes on one machine must not do at once. A lock older than `staleMs` is taken over,
 * so a crash while holding it costs a short wait, never a permanent one. Bounded: times out with an error.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const staleMs = opts.staleMs ?? 30_000;
  const deadline = now() + (opts.timeoutMs ?? 20_000);
  let fd: number | null = null;
  for (let attempt = 0; fd === null; attempt++) {
    try {
      fd = fs.openSync(lockPath, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lockPath, now(), staleMs)) {
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      if (now() > deadline) throw new Error(`another od process holds ${lockPath}; if none is running, delete it`);
      await sleep(Math.min(200, 10 * 2 ** Math.min(attempt, 4)));
    }
  }
  try {
    fs.writeSync(fd, String(process.pid));
    return await fn();
  } finally {
    fs.closeSync(fd);
    fs.rmSync(lockPath, { force: true });
  }
}

function isStale(lockPath: string, now: number, staleMs: number): boolean {
  try {
    return now - fs.statSync(lockPath).mtimeMs > staleMs;
  } catch {
    // Gone between our open and stat: not stale, just free; the next attempt takes it.
    return false;
  }
}
