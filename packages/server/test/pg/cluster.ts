import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

/*
 * A real PostgreSQL for tests and benchmarks: Debian's binaries (initdb, postgres) started in a fresh
 * directory on 127.0.0.1 and a free port, trust authentication for loopback only. PostgreSQL refuses to run
 * as root, so as root it runs as the `postgres` user (the directory is handed to it). Stopped by its PID.
 */

export interface Cluster {
  /** Connection URL of the cluster's `postgres` database (the one test databases are created from). */
  adminUrl: string;
  pid: number;
  dir: string;
}

/** The newest installed major version's bin directory, or null when PostgreSQL is not installed. */
export function findPgBin(): string | null {
  const base = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'postgres')));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

/** The uid/gid to run PostgreSQL as: ourselves, unless we are root (which it refuses). */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error('running as root and there is no `postgres` user to run PostgreSQL as');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * initdb + postgres in `dir` (created if missing). Durability settings are relaxed (fsync off): tests check
 * what commits and what does not, never what survives a power cut. `settings` override them (the benchmark
 * keeps fsync on).
 */
export async function startCluster(dir: string, settings: Record<string, string> = {}): Promise<Cluster> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): apt-get install postgresql, or set OD_TEST_PG_URL');
  const owner = runAs();
  fs.mkdirSync(dir, { recursive: true });
  // The server's user must reach its data directory through this one.
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { mode: 0o700 });
  if (owner) fs.chownSync(data, owner.uid, owner.gid);
  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { encoding: 'utf8', cwd: dir, ...(owner ?? {}) },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  // Loopback only: trust authentication is then safe enough for a throwaway test cluster.
  fs.writeFileSync(path.join(data, 'pg_hba.conf'), 'host all all 127.0.0.1/32 trust\n');

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const log = path.join(dir, `postgres-${port}.log`);
    const logFd = fs.openSync(log, 'a', 0o644);
    if (owner) fs.fchownSync(logFd, owner.uid, owner.gid);
    const args = {
      port: String(port),
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      max_connections: '400',
      fsync: 'off',
      full_page_writes: 'off',
      synchronous_commit: 'off',
      ...settings,
    };
    const child = spawn(path.join(bin, 'postgres'), ['-D', data, ...Object.entries(args).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      ...(owner ?? {}),
    });
    fs.closeSync(logFd);
    child.unref();
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    if (await waitReady(adminUrl, child)) return { adminUrl, pid: child.pid!, dir };
    stopPid(child.pid!);
    // Another process took the port between our probe and postgres' bind: try another one.
    if (attempt >= 3) throw new Error(`postgres did not start: ${fs.readFileSync(log, 'utf8').slice(-2000)}`);
  }
}

async function waitReady(url: string, child: ReturnType<typeof spawn>): Promise<boolean> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const end = Date.now() + 60_000;
  while (!exited && Date.now() < end) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return true;
    } catch {
      await c.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

/** Stop a postgres by PID (fast shutdown: SIGINT) and wait for it to go. */
export function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const end = Date.now() + 30_000;
    const poll = () => {
      try {
        process.kill(pid, 0);
      } catch {
        return resolve();
      }
      if (Date.now() > end) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
        return resolve();
      }
      setTimeout(poll, 50);
    };
    poll();
  });
}

/** A URL equal to `url` but naming database `db`. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
