import { connect, signup } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { putSession, sessionsPath } from '../packages/tui/src/config/sessions.js';
import { OD_BIN } from './tui-support.js';

/* The non-interactive od commands (send, tail, logout) as scripts use them: real binary, real server. */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/*
 * No run is killed on a timer of its own: how long five od processes take on a busy machine is not what
 * these tests check (a per-run 20 s kill made a loaded run end with code null). A hung run fails the test at
 * its timeout, and is killed by the cleanup then.
 */
const HANG_GUARD_MS = 120_000;

function run(env: Record<string, string>, args: string[], stdin?: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [OD_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    cleanups.push(() => void (p.exitCode === null && p.signalCode === null && p.kill('SIGKILL')));
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, out, err: signal ? `${err}(killed by ${signal})` : err }));
    p.stdin.end(stdin ?? '');
  });
}

/** Poll `cond` until it holds; the bound only catches a hang. */
async function until(cond: () => boolean, what: string, step: () => Promise<unknown> = () => new Promise((r) => setTimeout(r, 50))) {
  const deadline = Date.now() + HANG_GUARD_MS;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await step();
  }
}

async function setup(): Promise<{ srv: RunningServer; env: Record<string, string>; roomId: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const srv = await startServer({ dataDir: path.join(tmp, 'data'), port: 0, registration: 'open', bcryptCost: 4, log: () => {} });
  cleanups.push(() => srv.close());
  const pair = await signup(srv.url, { username: 'scripter', password: 'script-pass-1', nickname: 'robo' });
  const config = path.join(tmp, 'od');
  putSession(config, 'local', { url: srv.url, refreshToken: pair.refreshToken });
  const c = await connect(srv.url, { username: 'scripter', password: 'script-pass-1' });
  const { room } = await c.request('room.create', { name: 'alerts' });
  c.close();
  return { srv, env: { OD_CONFIG_DIR: config }, roomId: room.id };
}

describe('od send / tail / logout', { timeout: HANG_GUARD_MS + 10_000 }, () => {
  it('sends TEXT or stdin, and tail --json prints new messages one object per line', async () => {
    const { env } = await setup();
    const tail = spawn(process.execPath, [OD_BIN, 'tail', 'alerts', '--json'], { env: { ...process.env, ...env } });
    cleanups.push(() => void tail.kill('SIGKILL'));
    let tailed = '';
    tail.stdout.on('data', (d: Buffer) => (tailed += d.toString()));

    // Wait until tail is connected: it prints nothing until a message arrives, so send until one shows.
    let sent = 0;
    await until(
      () => tailed.includes('"text"'),
      'od tail to print a probe',
      async () => {
        const r = await run(env, ['send', '#alerts', `probe ${sent++}`]);
        expect(r.code, r.err).toBe(0);
        await new Promise((res) => setTimeout(res, 100));
      },
    );
    const fromStdin = await run(env, ['send', 'alerts'], 'line one\nline two\n');
    expect(fromStdin.code, fromStdin.err).toBe(0);
    expect(fromStdin.out.trim()).toMatch(/^\S+$/); // the message id

    await until(() => tailed.includes('line two'), 'od tail to print the message from stdin');
    const lines = tailed.trim().split('\n').map((l) => JSON.parse(l) as { text: string; nick: string; room: string });
    expect(lines.at(-1)).toMatchObject({ text: 'line one\nline two', nick: 'robo', room: 'alerts' });
    tail.kill('SIGTERM');
    const code = await new Promise<number | null>((res) => tail.on('close', res));
    expect(code).toBe(0);
  });

  it('several od processes share one saved session without revoking it', async () => {
    // Each process refreshes on start and refresh tokens rotate: without taking turns, one would present a
    // token another had just rotated, which the server treats as theft and revokes the whole session.
    const { env } = await setup();
    const runs = await Promise.all([1, 2, 3, 4, 5].map((n) => run(env, ['send', 'alerts', `together ${n}`])));
    for (const r of runs) expect(r.code, r.err).toBe(0);
    const after = await run(env, ['send', 'alerts', 'and after']);
    expect(after.code, after.err).toBe(0);
  });

  it('exits with meaningful codes', async () => {
    const { env } = await setup();
    expect((await run(env, ['send', 'nowhere', 'x'])).code).toBe(3);
    expect((await run(env, ['send', 'alerts'], '   ')).code).toBe(2);
    expect((await run({ OD_CONFIG_DIR: path.join(os.tmpdir(), `od-none-${process.pid}`) }, ['send', 'alerts', 'x'])).code).toBe(2);
    expect((await run(env, ['--server', 'other', 'send', 'alerts', 'x'])).code).toBe(2);
    // A picture mode od does not know is refused before anything is drawn; a known one does not get in the way.
    const bad = await run(env, ['--images', 'png']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--images must be one of kitty, sixel, iterm, blocks, off');
    expect((await run(env, ['--images', 'off', 'send', 'alerts', 'with a flag first'])).code).toBe(0);
  });

  it('logout revokes the session and forgets it', async () => {
    const { env } = await setup();
    const r = await run(env, ['logout']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('logged out of local');
    const file = JSON.parse(fs.readFileSync(sessionsPath(env.OD_CONFIG_DIR!), 'utf8')) as { servers: object };
    expect(file.servers).toEqual({});
    expect((await run(env, ['send', 'alerts', 'x'])).code).toBe(2);
  });

  it('join and part: send and tail need the room joined, and say how when it is not', async () => {
    const { srv, env } = await setup();
    // Someone else's room: visible to the script's account, which is not in it.
    await signup(srv.url, { username: 'other', password: 'other-pass-1', nickname: 'other' });
    const o = await connect(srv.url, { username: 'other', password: 'other-pass-1' });
    await o.request('room.create', { name: 'logs' });
    o.close();
    const refused = await run(env, ['send', 'logs', 'hello']);
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('you are not in #logs: `od join logs` first');
    const tailRefused = await run(env, ['tail', 'logs']);
    expect(tailRefused.code).toBe(3);
    expect(tailRefused.err).toContain('od join logs');
    const joined = await run(env, ['join', '#logs']);
    expect(joined.code, joined.err).toBe(0);
    expect(joined.out.trim()).toBe('joined #logs');
    const sent = await run(env, ['send', 'logs', 'hello']);
    expect(sent.code, sent.err).toBe(0);
    const left = await run(env, ['part', 'logs']);
    expect(left.code, left.err).toBe(0);
    expect(left.out.trim()).toBe('left #logs');
    expect((await run(env, ['send', 'logs', 'again'])).code).toBe(3);
    expect((await run(env, ['join', 'nowhere'])).code).toBe(3);
  });
});
