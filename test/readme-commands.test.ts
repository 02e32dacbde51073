import { signup } from '@open-discord/protocol';
import { startServer } from '@open-discord/server';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/*
 * The README's commands on a clone after `npm ci` (and `npm test`'s build): `npx od` and `npx od-server` must
 * be this project's programs, not coreutils' octal dump or a registry download, and the operator's
 * commands must exit when done and never create a database where there is none.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'od-readme-'));
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Run a command to its end; a command that never exits fails the test by its timeout. */
function run(cmd: string, args: string[], env: Record<string, string> = {}, cwd = root): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

const odServer = path.join(root, 'packages/server/bin/od-server.js');

describe("the README's commands", () => {
  it('npm links both bins to this project, and npx runs them', async () => {
    for (const [bin, file] of [
      ['od', 'packages/tui/bin/od.js'],
      ['od-server', 'packages/server/bin/od-server.js'],
    ] as const) {
      expect(fs.realpathSync(path.join(root, 'node_modules/.bin', bin))).toBe(path.join(root, file));
      // The link target is in git, so npm links it at install time, before any build.
      const tracked = await run('git', ['ls-files', '--error-unmatch', file]);
      expect(tracked.code).toBe(0);
    }
    const od = await run('npx', ['--no-install', 'od', '--help']);
    expect(od.code).toBe(0);
    expect(od.out).toMatch(/Usage: od/);
    expect(od.out).toMatch(/send/);
    const server = await run('npx', ['--no-install', 'od-server', '--help']);
    expect(server.code).toBe(0);
    expect(server.out).toMatch(/open_discord chat server/);
  });

  it('admin commands in a place with no server data say where they looked, exit 1 and create nothing', async () => {
    const home = tmp();
    const env = { HOME: home, XDG_DATA_HOME: '', OD_DATA_DIR: '' };
    for (const args of [['invite', 'create'], ['user', 'list'], ['role', 'list'], ['member', 'kick', 'bob'], ['backup', path.join(home, 'b.db')], ['stats'], ['search', 'rebuild'], ['retention', '--dry-run']]) {
      const r = await run(process.execPath, [odServer, ...args], env, home);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toContain(`no od-server database in ${path.join(home, '.local/share/od-server')}`);
    }
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('the default data folder is the same from any folder, and every admin command exits when done', async () => {
    const home = tmp();
    const env = { HOME: home, XDG_DATA_HOME: '', OD_DATA_DIR: '' };
    const dataDir = path.join(home, '.local/share/od-server');
    const srv = await startServer({ dataDir, port: 0, registration: 'open', bcryptCost: 4, log: () => {} });
    cleanups.push(() => srv.close());
    await signup(srv.url, { username: 'bob', password: 'bob password 1', nickname: 'bob' });
    const elsewhere = tmp();
    const commands: Array<[string[], RegExp]> = [
      [['invite', 'create', '--uses', '2'], /^\S{8,}\n$/],
      [['user', 'list'], /bob/],
      [['role', 'list'], /admin/],
      [['role', 'grant', 'bob', 'admin'], /granted admin to bob/],
      [['role', 'revoke', 'bob', 'admin'], /revoked admin from bob/],
      [['member', 'kick', 'bob'], /kicked bob/],
      [['stats'], /^server\s+running at /m],
      [['doctor'], /^ok\s+integrity/m],
      [['search', 'rebuild'], /^indexed \d+ messages\n$/],
      [['retention', '--dry-run', '--retention', '30d'], /^nothing has expired\n$/],
      [['retention'], /^nothing had expired\n$/],
    ];
    for (const [args, expected] of commands) {
      const r = await run(process.execPath, [odServer, ...args], env, elsewhere);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      expect(r.out).toMatch(expected);
    }
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});
