import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, signup, type OdClient } from '@open-discord/protocol';
import { startServer, type RunningServer, type ServerOptions } from '@open-discord/server';
import { afterEach } from 'vitest';
import { putSession } from '../packages/tui/src/config/sessions.js';

/*
 * Drives the real `od` binary inside tmux: a real terminal of a fixed size, real keys, and the screen read
 * back as text. Every wait polls the pane with a deadline; nothing sleeps a fixed time.
 */

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OD_BIN = path.join(ROOT, 'packages/tui/dist/cli.js');

export const hasTmux = (): boolean => spawnSync('tmux', ['-V']).status === 0;

let counter = 0;

export class Terminal {
  readonly socket = `od-e2e-${process.pid}-${++counter}`;
  private readonly statusFile = path.join(os.tmpdir(), `${this.socket}.status`);
  private started = false;

  constructor(
    readonly cols = 120,
    readonly rows = 40,
  ) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 10_000 });
  }

  /**
   * Run `od ARGS` with the given environment in a detached tmux session of exactly cols × rows; with
   * `npx: true`, exactly as the README says (`npx od …` from the repository, through the bin npm linked).
   */
  start(env: Record<string, string>, args: string[], opts: { npx?: boolean } = {}): void {
    if (!fs.existsSync(OD_BIN)) throw new Error(`${OD_BIN} is missing: run \`npm run build\` first`);
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    // CI=true on purpose: Ink draws only its final frame under CI, and od must still draw every frame for a
    // person whose shell happens to export CI (as the build machine's does).
    const vars = Object.entries({ TERM: 'xterm-256color', CI: 'true', ...env }).map(([k, v]) => `${k}=${q(v)}`);
    const od = opts.npx ? ['npx', '--no-install', 'od'] : [q(process.execPath), q(OD_BIN)];
    const cmd = `cd ${q(ROOT)} && ${['env', ...vars, ...od, ...args.map(q)].join(' ')}; echo $? > ${q(this.statusFile)}`;
    this.tmux('new-session', '-d', '-s', 'od', '-x', String(this.cols), '-y', String(this.rows), cmd);
    this.started = true;
    // Keep the pane after od exits so the test can read its exit status.
    this.tmux('set-option', '-t', 'od', 'remain-on-exit', 'on');
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'od');
  }

  /**
   * The screen with the pane's scrollback above it: what od prints as it exits (to the shell's screen, after
   * leaving the alternate one) can scroll into the history when tmux marks the pane dead.
   */
  screenWithHistory(): string {
    return this.tmux('capture-pane', '-p', '-S', '-200', '-t', 'od');
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 'od', '-l', text);
  }

  keys(...names: string[]): void {
    this.tmux('send-keys', '-t', 'od', ...names);
  }

  /** Type a line and press Enter. */
  line(text: string): void {
    this.type(text);
    this.keys('Enter');
  }

  /** od's exit status once it has exited, else null. */
  exitStatus(): number | null {
    // tmux notices a dead pane only lazily (the exited process can linger as a zombie for seconds), so the
    // pane's shell records the status itself.
    try {
      const text = fs.readFileSync(this.statusFile, 'utf8').trim();
      return text ? Number(text) : null;
    } catch {
      return null;
    }
  }

  async waitFor(pred: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = this.screen();
      if (pred(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${last}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  waitForText(text: string | RegExp, timeoutMs?: number): Promise<string> {
    const pred = typeof text === 'string' ? (s: string) => s.includes(text) : (s: string) => text.test(s);
    return this.waitFor(pred, JSON.stringify(String(text)), timeoutMs);
  }

  /**
   * `/join #room` (a room this user is not in yet) typed in od, and its notice waited for: the server has
   * answered, so the room's messages reach this user from now on (its history shows before that, as a
   * preview).
   */
  async join(room: string): Promise<void> {
    this.line(`/join #${room}`);
    await this.waitForText(`joined #${room}`);
  }

  kill(): void {
    if (!this.started) return;
    this.started = false;
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
    fs.rmSync(this.statusFile, { force: true });
  }
}

export function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/**
 * A per-file cleanup list run (newest first) after every test, and temp dirs that remove themselves.
 * Call once at the top of a test file.
 */
export function testScope() {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const tempDir = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
    cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
    return d;
  };
  /**
   * A quiet test server without the first room (the tests make their own), closed after the test unless the
   * test closed it itself (to restart it on the same data and port).
   */
  const server = async (dataDir: string, port = 0, extra: Partial<ServerOptions> = {}): Promise<RunningServer> => {
    const s = await startServer({ dataDir, port, registration: 'open', bcryptCost: 4, firstRoom: null, log: () => {}, ...extra });
    let closed = false;
    const close = s.close.bind(s);
    s.close = () => {
      closed = true;
      return close();
    };
    cleanups.push(async () => {
      if (!closed) await s.close();
    });
    return s;
  };
  const terminal = (cols = 120, rows = 40): Terminal => {
    const t = new Terminal(cols, rows);
    cleanups.push(() => t.kill());
    return t;
  };
  /** A bot account (signed up if new) connected with the typed client. */
  const bot = async (url: string, username: string): Promise<OdClient> => {
    await signup(url, { username, password: 'bot-password-1', nickname: username }).catch(() => {});
    const c = await connect(url, { username, password: 'bot-password-1' });
    cleanups.push(() => c.close());
    return c;
  };
  /** A saved session for a fresh account, and a 120×30 terminal running `od` with it. */
  const member = async (srv: RunningServer, username: string, invite?: string): Promise<Terminal> => {
    const pair = await signup(srv.url, { username, password: 'correct-horse-1', nickname: username, ...(invite && { invite }) });
    const config = path.join(tempDir(), 'od');
    putSession(config, 'local', { url: srv.url, refreshToken: pair.refreshToken });
    const term = terminal(120, 30);
    // The bell is what a tmux pane gets anyway; say so, so a terminal outside never sees an OSC.
    term.start({ OD_CONFIG_DIR: config, OD_NOTIFY: 'bell' }, []);
    return term;
  };
  return { cleanups, tempDir, server, terminal, bot, member };
}
