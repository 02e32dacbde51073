import fs from 'node:fs';
import { withFileLock } from '../../src/config/file-lock.js';

/*
 * One od-like process for the lock tests: `node lock-child.mjs LOCK LOG NAME`. It reports on stdout each time
 * it finds the lock held ("waiting"), and when it holds it ("in"); it keeps the lock until a line arrives on
 * stdin, logging "NAME in" / "NAME out" around that, then exits.
 */
const [lock, log, name] = process.argv.slice(2) as [string, string, string];
const nextLine = () => new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));

await withFileLock(
  lock,
  async () => {
    fs.appendFileSync(log, `${name} in\n`);
    process.stdout.write('in\n');
    await nextLine();
    fs.appendFileSync(log, `${name} out\n`);
  },
  { onWait: () => process.stdout.write('waiting\n') },
);
process.stdin.pause();
process.stdout.write('done\n');
