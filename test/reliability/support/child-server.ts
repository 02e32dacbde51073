import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServerOptions } from '@open-discord/server';
import { bundleEntry, repoRoot } from './build-entry.js';
import { withTimeout } from './wait.js';

/** The serialisable subset of the server's options (functions such as `now` cannot cross a process boundary). */
export type ChildServerOptions = Omit<ServerOptions, 'now' | 'newId' | 'log'>;

export interface MemoryUsage {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** The server's database file inside its data directory (store/db.ts). */
export const DB_FILE = 'od.sqlite';
/** The access-token signing secret, hex (services/secret.ts). */
export const SECRET_FILE = 'secret.key';

/**
 * Defaults that keep tests fast: cheap bcrypt, loopback, an ephemeral port, open sign-up, and no login rate
 * limit (these tests sign up many users at once; rate limiting is not what they check).
 */
export function testServerOptions(dataDir: string, extra: Partial<ChildServerOptions> = {}): ChildServerOptions {
  return { dataDir, port: 0, host: '127.0.0.1', registration: 'open', bcryptCost: 4, authRate: null, ...extra };
}

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
}

export class ChildServer {
  url = '';
  port = 0;
  firstRunInvite: string | null = null;
  /** Last lines of the child's stdout+stderr, for failure messages (bounded). */
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private seq = 0;
  private pending = new Map<number, (msg: Record<string, unknown>) => void>();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  private constructor(
    readonly child: ChildProcess,
    readonly options: ChildServerOptions,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-16_384);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (raw) => {
      const msg = raw as Record<string, unknown>;
      const seq = msg.seq as number | undefined;
      if (seq !== undefined) {
        this.pending.get(seq)?.(msg);
        this.pending.delete(seq);
      }
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  get dbPath(): string {
    return path.join(this.options.dataDir, DB_FILE);
  }

  static async start(options: ChildServerOptions, timeoutMs = 20_000): Promise<ChildServer> {
    const entry = await bundleEntry('test/reliability/support/server-child.ts');
    const child = fork(entry, [], {
      cwd: repoRoot,
      execArgv: ['--expose-gc', '--enable-source-maps'],
      env: { ...process.env, OD_CHILD_OPTIONS: JSON.stringify(options) },
      // Pipes, not files: a file-size rlimit (the disk-fault test) must not break the child's logging.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const server = new ChildServer(child, options);
    const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
      child.on('message', (m) => {
        const msg = m as Record<string, unknown>;
        if (msg.type === 'listening') resolve(msg);
      });
      child.on('exit', (code, signal) =>
        reject(new Error(`server child exited before listening (code ${code}, signal ${signal}):\n${server.output}`)),
      );
    });
    try {
      const msg = await withTimeout(listening, timeoutMs, 'server child to listen');
      server.url = String(msg.url).replace(/\/$/, '');
      server.port = Number(msg.port);
      server.firstRunInvite = (msg.firstRunInvite as string | null) ?? null;
    } catch (err) {
      server.kill();
      throw err;
    }
    return server;
  }

  /** ws:// URL of the WebSocket endpoint. */
  get wsUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}/ws`;
  }

  private call(cmd: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const seq = ++this.seq;
    const reply = new Promise<Record<string, unknown>>((resolve) => this.pending.set(seq, resolve));
    this.child.send({ cmd, seq });
    return withTimeout(reply, timeoutMs, `server child to answer "${cmd}"`);
  }

  /** Memory of the server process after two full garbage collections. */
  async memory(): Promise<MemoryUsage> {
    const msg = await this.call('mem', 10_000);
    return msg.usage as MemoryUsage;
  }

  /** Graceful shutdown (the server's own close()). */
  async close(timeoutMs = 15_000): Promise<void> {
    if (!this.alive) return;
    await this.call('close', timeoutMs);
    await withTimeout(this.exited, timeoutMs, 'server child to exit');
  }

  /** Signal the child (SIGKILL by default) and wait until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    await withTimeout(this.exited, 10_000, 'server child to die');
  }

  /**
   * Limit the size any file written by the server may reach (RLIMIT_FSIZE, soft limit only so it can be
   * lifted again without privileges). Node ignores SIGXFSZ, so writes past the limit fail with EFBIG and
   * SQLite reports an I/O error — a disk fault that works for root, unlike file permissions.
   */
  setFileSizeLimit(bytes: number | 'unlimited'): void {
    execFileSync('prlimit', ['--pid', String(this.pid), `--fsize=${bytes}:unlimited`]);
  }
}

/** Run the server's CLI (bundled from source) to completion, e.g. `backup FILE --data-dir D`. */
export async function runCli(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const entry = await bundleEntry('packages/server/src/cli.ts');
  // spawn, not fork: an IPC channel would keep a one-shot command alive.
  const child = spawn(process.execPath, [entry, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const code = await withTimeout(done, timeoutMs, `od-server ${args.join(' ')}`);
    return { code, output };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
