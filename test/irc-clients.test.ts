import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type OdClient, signup } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';
import { afterEach, describe, expect, it } from 'vitest';

/*
 * irssi and WeeChat (the Debian packages) against the IRC gateway, end to end in tmux: each logs in with SASL
 * PLAIN, joins, sees history replayed on join, exchanges messages with an od user (the typed client, as `od`
 * uses it), sends a direct message, shows a thread reply with its context, and cannot join a hidden room.
 * Skipped where the client or tmux is missing (.ci/run installs them).
 */

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const hasIrssi = hasTmux && spawnSync('irssi', ['--version']).status === 0;
const hasWeechat = hasTmux && spawnSync('weechat', ['--version']).status === 0;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let counter = 0;

/** An IRC client in a detached tmux session of a fixed size; the screen is read back as text. */
class IrcTerminal {
  readonly socket = `od-irc-${process.pid}-${++counter}`;
  constructor(readonly command: string) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 10_000 });
  }

  start(): void {
    this.tmux('new-session', '-d', '-s', 'irc', '-x', '150', '-y', '40', `env TERM=tmux-256color ${this.command}`);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'irc');
  }

  line(text: string): void {
    this.tmux('send-keys', '-t', 'irc', '-l', text);
    this.tmux('send-keys', '-t', 'irc', 'Enter');
  }

  async waitFor(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** `/quit` first, so the client is done writing its files when its folder is removed; then the session. */
  async kill(): Promise<void> {
    try {
      this.line('/quit');
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && spawnSync('tmux', ['-L', this.socket, 'has-session', '-t', 'irc']).status === 0) {
        await new Promise((r) => setTimeout(r, 100));
      }
      this.tmux('kill-server');
    } catch {
      // gone already
    }
  }
}

async function server(): Promise<RunningServer> {
  // (Each test starts its own server: a client's login makes an od session of its own.)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-irssi-'));
  const s = await startServer({
    dataDir,
    port: 0,
    registration: 'open',
    bcryptCost: 4,
    firstRoom: 'general',
    log: () => {},
    irc: { listen: { host: '127.0.0.1', port: 0 } },
  });
  cleanups.push(async () => {
    await s.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return s;
}

/** The next message with this text the od client receives (listening from now on). */
function message(c: OdClient, text: string): Promise<{ id: string; roomId: string }> {
  return new Promise((resolve) => {
    c.on('event', (e) => {
      if (e.type === 'message.created' && e.data.message.text === text) resolve(e.data.message);
    });
  });
}

function irssiHome(port: number, username: string, password: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'od-irssi-home-'));
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  fs.writeFileSync(
    path.join(home, 'config'),
    `servers = (
  { address = "127.0.0.1"; chatnet = "od"; port = "${port}"; use_tls = "no"; autoconnect = "yes"; }
);
chatnets = {
  od = { type = "IRC"; sasl_mechanism = "PLAIN"; sasl_username = "${username}"; sasl_password = "${password}"; };
};
settings = {
  core = { real_name = "${username}"; user_name = "${username}"; nick = "${username}"; };
  "fe-common/core" = { timestamps = "no"; };
};
`,
  );
  return home;
}

interface ClientUi {
  command(port: number): string;
  /** Show the #general buffer / window. */
  toChannel(term: IrcTerminal): void;
  /** Show the server's buffer / window (where errors go). */
  toStatus(term: IrcTerminal): void;
}

async function scenario(ui: ClientUi): Promise<void> {
  const s = await server();
  await signup(s.url, { username: 'alice', password: 'correct-horse-1', nickname: 'alice' });
  await signup(s.url, { username: 'bob', password: 'correct-horse-1', nickname: 'bob' });
  const bob = await connect(s.url, { username: 'bob', password: 'correct-horse-1' });
  cleanups.push(() => bob.close());
  await s.app.services.roles.grant(null, { userId: bob.me!.id, roleId: 'owner' });
  const state = await bob.request('state', {});
  const general = state.rooms.find((r) => r.name === 'general')!;
  const { role } = await bob.request('role.create', { name: 'staff' });
  await bob.request('room.create', { name: 'secret', restrictedTo: [role.id] });
  // Said before alice connects: replayed to her on join (she joined #general at signup, unread since).
  await bob.request('message.send', { roomId: general.id, text: 'said while you were away', nonce: 'h1' });

  const term = new IrcTerminal(ui.command(s.irc!.port));
  cleanups.push(() => term.kill());
  term.start();
  // Registration joins the rooms alice is in (a window / buffer of its own), with the unread history.
  await term.waitFor('#general');
  ui.toStatus(term);
  await term.waitFor(/Welcome to the od IRC gateway/);
  ui.toChannel(term);
  await term.waitFor('said while you were away');

  const said = message(bob, 'hello from my IRC client');
  term.line('hello from my IRC client');
  const got = (await said).id;
  await bob.request('message.send', { roomId: general.id, text: 'hi there, from od', nonce: 'b1' });
  await term.waitFor('hi there, from od');

  // A thread reply shows with its context.
  await bob.request('message.send', { roomId: general.id, text: 'in the thread', nonce: 'b2', threadId: got });
  await term.waitFor('↳ re alice: "hello from my IRC client" in the thread');

  // A direct message.
  const whispered = message(bob, 'psst, private');
  term.line('/msg bob psst, private');
  const dm = await whispered;
  const rooms = (await bob.request('state', {})).rooms;
  expect(rooms.find((r) => r.id === dm.roomId)!.kind).toBe('dm');

  // A hidden room answers as one that does not exist.
  ui.toStatus(term);
  term.line('/join #secret');
  await term.waitFor(/#secret.*[Nn]o such channel|[Nn]o such channel.*#secret/);
}

describe.skipIf(!hasIrssi)('irssi through the IRC gateway', () => {
  it('logs in with SASL, joins, gets history, talks with an od user, DMs, sees a thread reply, cannot join a hidden room', async () => {
    await scenario({
      command: (port) => `irssi --home='${irssiHome(port, 'alice', 'correct-horse-1')}'`,
      toChannel: (t) => t.line('/window goto #general'),
      toStatus: (t) => t.line('/window 1'),
    });
  }, 120_000);
});

describe.skipIf(!hasWeechat)('WeeChat through the IRC gateway', () => {
  it('logs in with SASL, joins, gets history, talks with an od user, DMs, sees a thread reply, cannot join a hidden room', async () => {
    await scenario({
      command: (port) => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), 'od-weechat-'));
        // A client still exiting may write a last file: retried.
        cleanups.push(() => fs.rmSync(home, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 }));
        const run = [
          `/server add od 127.0.0.1/${port} -notls -sasl_mechanism=plain -sasl_username=alice -sasl_password=correct-horse-1 -nicks=alice`,
          '/connect od',
        ].join(';');
        return `weechat --dir '${home}' --run-command '${run}'`;
      },
      toChannel: (t) => t.line('/buffer #general'),
      toStatus: (t) => t.line('/buffer 1'),
    });
  }, 120_000);
});
