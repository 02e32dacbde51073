import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleEntry } from '../../../test/reliability/support/build-entry.js';
import { withFileLock } from '../src/config/file-lock.js';

/* The lock od processes take turns with (shared-session refresh): real processes, no clocks. */

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A child process running test/support/lock-child.ts, with its stdout lines observable. */
class Holder {
  lines: string[] = [];
  readonly exited: Promise<number | null>;
  private waiters = new Set<() => void>();

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters) w();
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        for (const w of this.waiters) w();
        resolve(code);
      }),
    );
    cleanups.push(() => void child.kill('SIGKILL'));
  }

  static async start(lock: string, log: string, name: string): Promise<Holder> {
    const entry = await bundleEntry('packages/tui/test/support/lock-child.ts');
    return new Holder(spawn(process.execPath, [entry, lock, log, name], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** Resolves once the child has printed `line`; rejects if it exits first. */
  said(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.lines.includes(line)) {
          this.waiters.delete(check);
          resolve();
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          this.waiters.delete(check);
          reject(new Error(`child exited (${this.child.exitCode ?? this.child.signalCode}) before saying "${line}": ${this.lines.join(' | ')}`));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Let the holder leave its critical section. */
  letGo(): void {
    this.child.stdin.write('go\n');
  }
}

describe('withFileLock', () => {
  it('two processes contending take turns', async () => {
    const dir = tempDir();
    const lock = path.join(dir, 'sessions.lock');
    const log = path.join(dir, 'log');
    const a = await Holder.start(lock, log, 'a');
    await a.said('in');
    const b = await Holder.start(lock, log, 'b');
    // b finds the lock held and waits for it: not in while a is.
    await b.said('waiting');
    expect(b.lines).not.toContain('in');
    a.letGo();
    await b.said('in');
    b.letGo();
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    expect(fs.readFileSync(log, 'utf8')).toBe('a in\na out\nb in\nb out\n');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that died holding it, once the lock is stale', async () => {
    const dir = tempDir();
    const lock = path.join(dir, 'sessions.lock');
    const log = path.join(dir, 'log');
    const dead = await Holder.start(lock, log, 'dead');
    await dead.said('in');
    dead.child.kill('SIGKILL');
    await dead.exited;
    expect(fs.existsSync(lock)).toBe(true);
    // Fresh (the holder might just be slow): not taken over; with no time to wait, that is an error at once.
    await expect(withFileLock(lock, async () => 'x', { timeoutMs: 0 })).rejects.toThrow(/another od process holds/);
    // Nobody refreshes it any more: once its mtime is older than the stale limit, the next process takes it.
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    expect(await withFileLock(lock, async () => 'mine', { staleMs: 10_000, timeoutMs: 0 })).toBe('mine');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('releases the lock when the holder throws', async () => {
    const lock = path.join(tempDir(), 'x.lock');
    await expect(withFileLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(lock)).toBe(false);
    expect(await withFileLock(lock, async () => 'again')).toBe('again');
  });
});
