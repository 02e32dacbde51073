import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backup, inviteCreate, userList, userResetPassword } from '../src/cli/admin.js';
import { ConfigError, parseDuration, resolveStartOptions } from '../src/cli/config.js';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import { post, signup, tempDir, testServer } from './helpers.js';

const dirs: string[] = [];
const mk = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('start configuration', () => {
  it('flags beat env, env beats config.json, config.json beats defaults', () => {
    const dataDir = mk();
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ port: 9000, registration: 'open', bcryptCost: 11 }));
    const o = resolveStartOptions({ dataDir, port: '9100' }, { OD_PORT: '9200', OD_REGISTRATION: 'closed' });
    expect(o).toMatchObject({ dataDir, port: 9100, registration: 'closed', bcryptCost: 11, host: '127.0.0.1', synchronous: 'full' });
    expect(o.messageRate).toEqual({ perSec: 10, burst: 20 });
    expect(o.readRate).toEqual({ perSec: 100, burst: 1000 });
    expect(resolveStartOptions({ dataDir }, { OD_READ_RATE: '0' }).readRate).toBeNull();
    const unlimited = resolveStartOptions({ dataDir, messageRate: '0', allowedOrigin: ['https://a.example', 'https://b.example'] }, {});
    expect(unlimited.messageRate).toBeNull();
    expect(unlimited.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(resolveStartOptions({}, { OD_DATA_DIR: dataDir }).port).toBe(9000);
  });

  it('--rate-limits sets the buckets of any kind of write, --upload-quota-mb the daily upload quota', () => {
    const dataDir = mk();
    const o = resolveStartOptions({ dataDir, rateLimits: 'reaction=5/15, edit=off,upload=0.2' }, {});
    expect(o.writeRates).toEqual({ reaction: { perSec: 5, burst: 15 }, edit: null, upload: { perSec: 0.2, burst: 1 } });
    // Messages keep --message-rate (default 10/s) unless --rate-limits names them.
    expect(o.messageRate).toEqual({ perSec: 10, burst: 20 });
    expect(resolveStartOptions({ dataDir, rateLimits: 'message=3' }, { OD_MESSAGE_RATE: '50' }).messageRate).toEqual({ perSec: 3, burst: 6 });
    // --message-rate 0 turns messages off, not the other kinds.
    const noMessages = resolveStartOptions({ dataDir, messageRate: '0' }, {});
    expect([noMessages.messageRate, noMessages.writeRates]).toEqual([null, {}]);
    expect(resolveStartOptions({ dataDir }, {}).uploadQuotaBytes).toBe(1024 * 1024 * 1024);
    expect(resolveStartOptions({ dataDir, uploadQuotaMb: '0' }, {}).uploadQuotaBytes).toBeNull();
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ rateLimits: 'profile=1/3', uploadQuotaMb: 50 }));
    const file = resolveStartOptions({ dataDir }, {});
    expect([file.writeRates, file.uploadQuotaBytes]).toEqual([{ profile: { perSec: 1, burst: 3 } }, 50 * 1024 * 1024]);
    fs.rmSync(path.join(dataDir, 'config.json'));
    expect(() => resolveStartOptions({ dataDir, rateLimits: 'typing=5' }, {})).toThrow(/unknown kind "typing"; kinds: message, edit/);
    expect(() => resolveStartOptions({ dataDir, rateLimits: 'reaction=fast' }, {})).toThrow(/--rate-limits "reaction=fast": expected kind=RATE/);
    expect(() => resolveStartOptions({ dataDir, rateLimits: 'reaction=0' }, {})).toThrow(/must be above 0/);
    expect(() => resolveStartOptions({ dataDir }, { OD_UPLOAD_QUOTA_MB: '-1' })).toThrow(/OD_UPLOAD_QUOTA_MB/);
  });

  it('bad values are one clear error', () => {
    const dataDir = mk();
    expect(() => resolveStartOptions({ dataDir, port: '70000' }, {})).toThrow(ConfigError);
    expect(() => resolveStartOptions({ dataDir }, { OD_SYNCHRONOUS: 'sometimes' })).toThrow(/OD_SYNCHRONOUS/);
    fs.writeFileSync(path.join(dataDir, 'config.json'), '{"prot": 1}');
    expect(() => resolveStartOptions({ dataDir }, {})).toThrow(/unknown setting "prot"/);
    expect(parseDuration('7d', 'x')).toBe(7 * 86_400_000);
    expect(() => parseDuration('soon', '--expires')).toThrow(/--expires/);
  });
});

describe('operator commands against a running server', () => {
  it('invite create, user list, reset-password and online backup work while the server runs', async () => {
    const server = await testServer({ registration: 'invite' });
    dirs.push(server.dataDir);
    try {
      await signup(server.url, 'owner', { invite: server.firstRunInvite });
      const code = await inviteCreate(server.dataDir, { uses: '2', expires: '1h', role: 'admin' });
      const member = await signup(server.url, 'member', { invite: code });
      expect(member.user.roles).toEqual(['admin']);
      await expect(inviteCreate(server.dataDir, { role: 'nope' })).rejects.toThrow(/no such role/);

      const list = await userList(server.dataDir);
      expect(list.split('\n')[0]).toMatch(/^ID\s+USERNAME\s+NICKNAME\s+ROLES\s+STATUS\s+CREATED$/);
      expect(list).toMatch(/owner\s+owner\s+owner/);
      expect(list).toMatch(/member\s+member\s+admin/);

      const reset = await userResetPassword(server.dataDir, 'member');
      const r = await post(server.url, '/api/reset-password', { username: 'member', code: reset, password: 'brand new pw' });
      expect(r.status).toBe(200);

      const file = path.join(mk(), 'backup.sqlite');
      const lines: string[] = [];
      await backup(server.dataDir, file, (l) => lines.push(l));
      expect(lines.join('')).toMatch(/100%/);
      const copy = new Database(file, { readonly: true });
      const n = (copy.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
      copy.close();
      expect(n).toBe(2);
    } finally {
      await server.close();
    }
  });
});

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe.skipIf(!fs.existsSync(cli))('the built od-server binary', () => {
  it('prints the first-run invite once, serves, and stops on SIGTERM', async () => {
    const dataDir = mk();
    const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // The bound only catches a hang: starting takes longer on a busy machine.
      const end = Date.now() + 60_000;
      while (!/listening on (\S+)/.test(out) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      const url = /listening on (\S+)/.exec(out)![1]!;
      expect(out).toMatch(/First-run owner invite: [A-Z0-9]{12}/);
      const health = (await (await fetch(`${url}/healthz`)).json()) as { ok: boolean };
      expect(health.ok).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);

  it('exits 2 with one line on a bad flag', async () => {
    const child = spawn(process.execPath, [cli, 'start', '--port', 'nope', '--data-dir', mk()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('backup file', () => {
  it('is private to its owner (0600): it holds password hashes', async () => {
    const dataDir = mk();
    SqliteStorage.open(dataDir).close();
    const fresh = path.join(mk(), 'fresh.sqlite');
    // A file already there (an earlier backup, world-readable) is made private too, before it is written.
    const existing = path.join(mk(), 'existing.sqlite');
    fs.writeFileSync(existing, '', { mode: 0o644 });
    fs.chmodSync(existing, 0o644);
    const umask = process.umask(0o022);
    try {
      for (const file of [fresh, existing]) {
        await backup(dataDir, file, () => {});
        expect(fs.statSync(file).mode & 0o777).toBe(0o600);
        const copy = new Database(file, { readonly: true });
        expect((copy.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n).toBe(0);
        copy.close();
      }
    } finally {
      process.umask(umask);
    }
  });
});
