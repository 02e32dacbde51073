import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type OdClient, signup } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';
import { afterEach, describe, expect, it } from 'vitest';

/*
 * irssi (the Debian package) against the IRC gateway, end to end in tmux: it logs in with SASL PLAIN, joins,
 * sees history replayed on join, exchanges messages with an od user (the typed client, as `od` uses it), sends
 * a direct message, shows a thread reply with its context, and cannot join a hidden room. Skipped where
 * irssi or tmux is missing (.ci/run installs both).
 */

const hasIrssi = spawnSync('irssi', ['--version']).status === 0 && spawnSync('tmux', ['-V']).status === 0;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let counter = 0;

/** irssi in a detached tmux session of a fixed size; the screen is read back as text. */
class IrssiTerminal {
  readonly socket = `od-irssi-${process.pid}-${++counter}`;
  constructor(readonly home: string) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 10_000 });
  }

  start(): void {
    this.tmux('new-session', '-d', '-s', 'irc', '-x', '150', '-y', '40', `env TERM=tmux-256color irssi --home='${this.home}'`);
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

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // gone already
    }
  }
}

async function server(): Promise<RunningServer> {
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

describe.skipIf(!hasIrssi)('irssi through the IRC gateway', () => {
  it('logs in with SASL, joins, gets history, talks with an od user, DMs, sees a thread reply, cannot join a hidden room', async () => {
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

    const term = new IrssiTerminal(irssiHome(s.irc!.port, 'alice', 'correct-horse-1'));
    cleanups.push(() => term.kill());
    term.start();
    await term.waitFor(/Welcome to the od IRC gateway/);
    // Registration joins the rooms alice is in (irssi opens a window for it), with the unread history.
    await term.waitFor('#general');
    term.line('/window goto #general');
    await term.waitFor('said while you were away');

    const said = message(bob, 'hello from irssi');
    term.line('hello from irssi');
    const got = (await said).id;
    await bob.request('message.send', { roomId: general.id, text: 'hi irssi, from od', nonce: 'b1' });
    await term.waitFor('hi irssi, from od');

    // A thread reply shows with its context.
    await bob.request('message.send', { roomId: general.id, text: 'in the thread', nonce: 'b2', threadId: got });
    await term.waitFor('↳ re alice: "hello from irssi" in the thread');

    // A direct message.
    const whispered = message(bob, 'psst, private');
    term.line('/msg bob psst, private');
    const dm = await whispered;
    const rooms = (await bob.request('state', {})).rooms;
    expect(rooms.find((r) => r.id === dm.roomId)!.kind).toBe('dm');

    // A hidden room answers as one that does not exist.
    term.line('/window 1');
    term.line('/join #secret');
    await term.waitFor(/#secret.*[Nn]o such channel|[Nn]o such channel.*#secret/);
  }, 120_000);
});
