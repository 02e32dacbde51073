import { connect, signup } from '@open-discord/protocol';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userResetPassword } from '../packages/server/src/cli/admin.js';
import { loadSessions, putSession } from '../packages/tui/src/config/sessions.js';
import { OD_BIN, Terminal, count, hasTmux, testScope } from './tui-support.js';

/*
 * Issue 8 (the first hour), items 11, 12 and 19 end to end: the real od binary against a real server, in
 * tmux where a screen is involved. Waits poll the screen or the output with a deadline; nothing sleeps.
 */

const tmuxMissing = !hasTmux();
const { cleanups, tempDir, server, terminal, bot } = testScope();




function od(env: Record<string, string>, args: string[], stdin = '') {
  const p = spawn(process.execPath, [OD_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(() => void p.kill('SIGKILL'));
  const io = { out: '', err: '' };
  p.stdout.on('data', (d: Buffer) => (io.out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (io.err += d.toString()));
  const done = new Promise<number | null>((resolve) => p.on('close', resolve));
  p.stdin.end(stdin);
  return { p, io, done };
}

async function until(pred: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(tmuxMissing)('the first hour in a real terminal', () => {
  it('a sign-up typed ahead before the form is drawn lands field by field', async () => {
    const srv = await server(tempDir());
    const config = path.join(tempDir(), 'od');
    const term = terminal();
    term.start({ OD_CONFIG_DIR: config }, ['login', srv.url]);
    // All of it at once, without waiting for a single prompt: mode, username, password, invite, nickname.
    term.type('s');
    term.line('alice');
    term.line('typed-ahead-secret-1');
    term.line(srv.firstRunInvite!);
    term.line('Alice');
    const s = await term.waitForText(/ live .*Alice/, 30_000);
    expect(s).not.toContain('typed-ahead-secret-1');
    expect(loadSessions(config).servers[new URL(srv.url).host]?.username).toBe('alice');
  });

  it('a message typed while offline is queued and delivered, once, after the server restarts', async () => {
    const dataDir = tempDir();
    let srv = await server(dataDir);
    const { port, url } = srv;
    const pair = await signup(url, { username: 'alice', password: 'correct-horse-1', nickname: 'alice', invite: srv.firstRunInvite! });
    const config = path.join(tempDir(), 'od');
    putSession(config, 'local', { url, refreshToken: pair.refreshToken });
    const bob = await bot(url, 'bob');
    const { room } = await bob.request('room.create', { name: 'general' });
    bob.close();

    const term = terminal();
    term.start({ OD_CONFIG_DIR: config }, []);
    await term.waitForText(/ live .*alice/);
    // Alice joins bob's room, where she will write.
    await term.join('general');
    await srv.close();
    await term.waitForText(/offline — retry in \d+s/);
    term.line('written while the server was down');
    await term.waitForText('written while the server was down (queued: sent when back online)');

    srv = await server(dataDir, port);
    term.keys('M-r'); // Alt+R: reconnect now instead of waiting out the backoff
    const s = await term.waitFor((x) => / live /.test(x) && /\d\d:\d\d alice written while the server was down\s*\n/.test(x), 'the queued message confirmed', 30_000);
    expect(s).not.toContain('queued');
    expect(count(s, 'written while the server was down')).toBe(1);
    const bob2 = await connect(url, { username: 'bob', password: 'bot-password-1' });
    cleanups.push(() => bob2.close());
    const h = await bob2.request('history', { roomId: room.id });
    expect(h.messages.filter((m) => m.text === 'written while the server was down')).toHaveLength(1);
  });

  it('od reset-password redeems the code the admin printed, then chats with the new password', async () => {
    const dataDir = tempDir();
    const srv = await server(dataDir);
    await signup(srv.url, { username: 'alice', password: 'forgotten-pass-1', nickname: 'alice', invite: srv.firstRunInvite! });
    const code = await userResetPassword(dataDir, 'alice');
    const config = path.join(tempDir(), 'od');
    const term = terminal();
    term.start({ OD_CONFIG_DIR: config }, ['reset-password', srv.url]);
    await term.waitForText('[reset password]');
    term.line('');
    term.line('alice');
    term.line(code);
    term.line('brand-new-pass-1');
    term.line('brand-new-pass-1');
    const s = await term.waitForText(/ live .*alice/, 30_000);
    expect(s).not.toContain('brand-new-pass-1');
    // The new password is the one that works now.
    const c = await connect(srv.url, { username: 'alice', password: 'brand-new-pass-1' });
    c.close();
  });

  it('scrolls with the mouse wheel, asks before Ctrl+C loses a draft, and leaves the mouse off on exit', async () => {
    // No write rate limit: the test posts a screenful of messages as fast as it can.
    const srv = await server(tempDir(), 0, { messageRate: null });
    const pair = await signup(srv.url, { username: 'alice', password: 'correct-horse-1', nickname: 'alice', invite: srv.firstRunInvite! });
    const config = path.join(tempDir(), 'od');
    putSession(config, 'local', { url: srv.url, refreshToken: pair.refreshToken });
    const bob = await bot(srv.url, 'bob');
    const { room } = await bob.request('room.create', { name: 'general' });
    for (let n = 1; n <= 20; n++) await bob.request('message.send', { roomId: room.id, text: `line ${n}`, nonce: `l${n}` });
    const alice = await connect(srv.url, { username: 'alice', password: 'correct-horse-1' });
    cleanups.push(() => alice.close());
    // Alice is in the room (read markers are kept for the rooms one is in) and has read it all.
    await alice.request('room.join', { roomId: room.id });
    await alice.request('read.mark', { roomId: room.id, order: (await alice.request('history', { roomId: room.id })).messages.at(-1)!.order });
    alice.close();

    const term = new Terminal(100, 14);
    cleanups.push(() => term.kill());
    term.start({ OD_CONFIG_DIR: config }, []);
    await term.waitForText(/bob line 20/);
    const flag = () => execFileSync('tmux', ['-L', term.socket, 'display', '-p', '-t', 'od', '#{mouse_sgr_flag}'], { encoding: 'utf8' }).trim();
    expect(flag()).toBe('1');
    // What the terminal sends for two notches of the wheel up.
    term.type('\x1b[<64;60;10M\x1b[<64;60;10M');
    await term.waitFor((x) => !x.includes('bob line 20') && x.includes('more ↓'), 'the pane to scroll up');

    term.type('a draft');
    term.keys('C-c');
    await term.waitForText('Quit and lose an unsent draft?');
    term.type('y');
    await term.waitFor(() => term.exitStatus() !== null, 'od to exit');
    expect(term.exitStatus()).toBe(0);
    expect(flag()).toBe('0');
  });
});

describe('od login from stdin and od tail --since (scripts)', () => {
  it('logs in without a screen, then tails the backlog before live messages', async () => {
    const srv = await server(tempDir());
    const config = path.join(tempDir(), 'od');
    const env = { OD_CONFIG_DIR: config };
    const bob = await bot(srv.url, 'bob');
    const { room } = await bob.request('room.create', { name: 'log' });
    for (const n of [1, 2, 3]) await bob.request('message.send', { roomId: room.id, text: `backlog ${n}`, nonce: `b${n}` });

    const wrong = od(env, ['login', srv.url, '--username', 'bob'], 'not-the-password\n');
    expect(await wrong.done).toBe(4);
    const empty = od(env, ['login', srv.url, '--username', 'bob'], '');
    expect(await empty.done).toBe(2);
    const ok = od(env, ['login', srv.url, '--username', 'bob'], 'bot-password-1\n');
    expect(await ok.done).toBe(0);
    expect(ok.io.out).toContain(`logged in to ${new URL(srv.url).host} as bob`);

    const bad = od(env, ['tail', 'log', '--since', 'yesterday']);
    expect(await bad.done).toBe(2);

    const tail = od(env, ['tail', 'log', '--since', '1h']);
    await until(() => tail.io.out.includes('backlog 3'), 'the backlog');
    await bob.request('message.send', { roomId: room.id, text: 'live one', nonce: 'l1' });
    await until(() => tail.io.out.includes('live one'), 'the live message');
    const lines = tail.io.out.trim().split('\n');
    expect(lines.map((l) => l.replace(/^\d\d:\d\d /, ''))).toEqual(['<bob> backlog 1', '<bob> backlog 2', '<bob> backlog 3', '<bob> live one']);
    // An order continues a log exactly where it stopped.
    const order = (await bob.request('history', { roomId: room.id })).messages.find((m) => m.text === 'backlog 2')!.order;
    const more = od(env, ['tail', 'log', '--json', '--since', String(order)]);
    await until(() => more.io.out.includes('live one'), 'tail after an order');
    expect(more.io.out.trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text)).toEqual(['backlog 3', 'live one']);
  });
});
