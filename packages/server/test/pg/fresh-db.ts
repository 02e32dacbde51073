import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { startCluster, withDatabase } from './cluster.js';

/*
 * A fresh PostgreSQL database per test file: `await freshPgUrl()` creates `od_test_<random>` on the run's
 * shared cluster and returns its URL; the databases a file created are dropped after it (connections still
 * open are cut: DROP … WITH (FORCE)).
 *
 * The cluster: OD_TEST_PG_URL names an existing server (any database on it; we create ours beside it);
 * otherwise the first test file of the run that asks starts one (test/pg/cluster.ts) in the directory the
 * global setup made, and the global setup stops it by PID at the end. Files run in parallel processes: the
 * one that wins `mkdir lock` starts it, the others wait for its `cluster.json`.
 */

const created: string[] = [];
let adminUrlPromise: Promise<string> | null = null;

afterAll(async () => {
  if (created.length === 0) return;
  const admin = new pg.Client({ connectionString: await adminUrl() });
  await admin.connect();
  try {
    for (const db of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

/** Create an empty database and return its connection URL. */
export async function freshPgUrl(): Promise<string> {
  const url = await adminUrl();
  const name = `od_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  created.push(name);
  return withDatabase(url, name);
}

/** Is there a PostgreSQL to test against (configured, or installed to start)? */
export { findPgBin } from './cluster.js';

function adminUrl(): Promise<string> {
  adminUrlPromise ??= resolveAdminUrl();
  return adminUrlPromise;
}

async function resolveAdminUrl(): Promise<string> {
  const external = process.env.OD_TEST_PG_URL;
  if (external) return external;
  let runDir: string | undefined;
  try {
    runDir = inject('odPgRunDir');
  } catch {
    runDir = undefined;
  }
  if (!runDir) return privateCluster();
  return sharedCluster(runDir);
}

async function sharedCluster(runDir: string): Promise<string> {
  const info = path.join(runDir, 'cluster.json');
  const failed = path.join(runDir, 'failed.txt');
  let starter = false;
  try {
    fs.mkdirSync(path.join(runDir, 'lock'));
    starter = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (starter) {
    try {
      const c = await startCluster(path.join(runDir, 'cluster'));
      fs.writeFileSync(`${info}.tmp`, JSON.stringify({ adminUrl: c.adminUrl, pid: c.pid }));
      fs.renameSync(`${info}.tmp`, info);
      return c.adminUrl;
    } catch (error) {
      fs.writeFileSync(failed, String(error instanceof Error ? error.message : error));
      throw error;
    }
  }
  const end = Date.now() + 120_000;
  for (;;) {
    if (fs.existsSync(info)) return (JSON.parse(fs.readFileSync(info, 'utf8')) as { adminUrl: string }).adminUrl;
    if (fs.existsSync(failed)) throw new Error(`the shared PostgreSQL did not start: ${fs.readFileSync(failed, 'utf8')}`);
    if (Date.now() > end) throw new Error('timed out waiting for the shared PostgreSQL to start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Outside vitest's global setup (a script): a cluster of this process's own, stopped when it exits. */
async function privateCluster(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-pg-'));
  const c = await startCluster(dir);
  // Immediate shutdown: the process is leaving and nothing in the cluster is worth keeping.
  process.once('exit', () => {
    try {
      process.kill(c.pid, 'SIGQUIT');
    } catch {}
  });
  return c.adminUrl;
}
