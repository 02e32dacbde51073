import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../src/config/file-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function lockPath(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
  dirs.push(d);
  return path.join(d, 'x.lock');
}

describe('withFileLock', () => {
  it('runs holders one at a time and removes the lock after', async () => {
    const lock = lockPath();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = withFileLock(lock, async () => {
      log.push('first in');
      await gate;
      log.push('first out');
      return 1;
    });
    // The second finds the file taken and waits; after its third refusal the first lets go.
    let refusals = 0;
    const sleep = async () => {
      refusals++;
      expect(log).toEqual(['first in']);
      expect(fs.readFileSync(lock, 'utf8')).toBe(String(process.pid));
      if (refusals === 3) release();
      await new Promise((r) => setImmediate(r));
    };
    const second = withFileLock(
      lock,
      async () => {
        log.push('second in');
        return 2;
      },
      { sleep },
    );
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(['first in', 'first out', 'second in']);
    expect(refusals).toBeGreaterThanOrEqual(3);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('releases the lock when the holder throws', async () => {
    const lock = lockPath();
    await expect(withFileLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a dead process once it is stale, and times out on a live one', async () => {
    const lock = lockPath();
    fs.writeFileSync(lock, '99999');
    let t = fs.statSync(lock).mtimeMs;
    const sleep = async (ms: number) => void (t += ms);
    // Fresh: waits, then gives up at the deadline (the fake clock makes this instant and exact).
    await expect(withFileLock(lock, async () => 'x', { now: () => t, sleep, timeoutMs: 1000, staleMs: 60_000 })).rejects.toThrow(
      /another od process holds/,
    );
    // Stale: taken over.
    t += 60_001;
    expect(await withFileLock(lock, async () => 'mine', { now: () => t, sleep, staleMs: 60_000 })).toBe('mine');
    expect(fs.existsSync(lock)).toBe(false);
  });
});
