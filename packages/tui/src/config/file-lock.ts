import lockfile from 'proper-lockfile';

export interface FileLockOptions {
  /** Give up waiting after this long. */
  timeoutMs?: number;
  /**
   * A lock not refreshed for this long was left by a process that died holding it: take it over. The holder
   * refreshes it every `staleMs / 4` while it runs, so a live (even slow) holder is never taken over.
   */
  staleMs?: number;
  /** Called each time the lock is found held by another process (before waiting for it). */
  onWait?: () => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Run `fn` while holding an exclusive lock (`lockPath`, a directory created atomically by proper-lockfile),
 * for work that several od processes on one machine must not do at once. The holder keeps the lock's mtime
 * fresh; a lock whose mtime is older than `staleMs` was left by a process that died holding it and is taken
 * over, so a crash costs a short wait, never a permanent one. Bounded: times out with an error.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: FileLockOptions = {}): Promise<T> {
  const staleMs = Math.max(2_000, opts.staleMs ?? 10_000);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const options: lockfile.LockOptions = {
    lockfilePath: lockPath,
    // The lock protects a file that may not exist yet (the first save), so its path is taken as given.
    realpath: false,
    stale: staleMs,
    update: Math.max(1_000, Math.floor(staleMs / 4)),
    retries: 0,
    // A holder starved for longer than `staleMs` has lost the lock to another process; proper-lockfile's
    // default is to throw from a timer (crashing od). Let the holder finish its (short) work instead.
    onCompromised: () => {},
  };
  let release: (() => Promise<void>) | null = null;
  for (let attempt = 0; release === null; attempt++) {
    try {
      // proper-lockfile names a lock after the file it protects; here the lock is the thing itself.
      release = await lockfile.lock(lockPath, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      if (Date.now() >= deadline) throw new Error(`another od process holds ${lockPath}; if none is running, delete it`);
      opts.onWait?.();
      await sleep(Math.min(200, 10 * 2 ** Math.min(attempt, 4)));
    }
  }
  try {
    return await fn();
  } finally {
    // Already released (compromised and taken over): nothing of ours to remove.
    await release().catch(() => {});
  }
}
