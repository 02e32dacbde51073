#!/usr/bin/env node
/*
 * Make a running od-server's disk writes fail, and heal them again, without root tricks or a small
 * filesystem: a soft RLIMIT_FSIZE of 0 on the process makes every write() to a regular file fail with EFBIG
 * (Node ignores SIGXFSZ), which SQLite reports as an I/O error — the same path as a full or failing disk.
 * Needs `prlimit` (util-linux). The test test/reliability/disk-errors.test.ts does the same automatically.
 *
 *   node scripts/fault/disk-full.mjs --pid 1234 --fail    # writes fail from now on
 *   node scripts/fault/disk-full.mjs --pid 1234 --heal    # writes work again
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { pid: { type: 'string' }, fail: { type: 'boolean' }, heal: { type: 'boolean' } },
});
const pid = Number(values.pid);
if (!Number.isInteger(pid) || pid <= 0 || values.fail === values.heal) {
  console.error('usage: node scripts/fault/disk-full.mjs --pid PID (--fail | --heal)');
  process.exit(2);
}
// Soft limit only (hard stays unlimited), so lifting it again needs no privilege.
const limit = values.fail ? '0:unlimited' : 'unlimited:unlimited';
execFileSync('prlimit', ['--pid', String(pid), `--fsize=${limit}`], { stdio: 'inherit' });
console.log(`pid ${pid}: file writes ${values.fail ? 'now fail (EFBIG)' : 'work again'}`);
