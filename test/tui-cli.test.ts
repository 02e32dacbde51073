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

function run(env: Record<string, string>, args: string[], stdin?: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [OD_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    p.stdin.end(stdin ?? '');
  });
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

describe('od send / tail / logout', () => {
  it('sends TEXT or stdin, and tail --json prints new messages one object per line', async () => {
    const { env } = await setup();
    const tail = spawn(process.execPath, [OD_BIN, 'tail', 'alerts', '--json'], { env: { ...process.env, ...env } });
    cleanups.push(() => void tail.kill('SIGKILL'));
    let tailed = '';
    tail.stdout.on('data', (d: Buffer) => (tailed += d.toString()));

    // Wait until tail is connected: it prints nothing until a message arrives, so send until one shows.
    const deadline = Date.now() + 15_000;
    let sent = 0;
    while (!tailed.includes('"text"') && Date.now() < deadline) {
      const r = await run(env, ['send', '#alerts', `probe ${sent++}`]);
      expect(r.code, r.err).toBe(0);
      await new Promise((res) => setTimeout(res, 100));
    }
    const fromStdin = await run(env, ['send', 'alerts'], 'line one\nline two\n');
    expect(fromStdin.code, fromStdin.err).toBe(0);
    expect(fromStdin.out.trim()).toMatch(/^\S+$/); // the message id

    while (!tailed.includes('line two') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
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
});
