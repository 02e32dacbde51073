import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, testServer } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('data folder permissions', () => {
  it('a folder that already exists, readable by others, is made owner-only with its database files', async () => {
    const dataDir = tempDir();
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    fs.chmodSync(dataDir, 0o755);
    const first = await testServer({ dataDir });
    const db = path.join(dataDir, 'od.sqlite');
    expect(mode(dataDir)).toBe(0o700);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) expect({ f: path.basename(f), mode: mode(f).toString(8) }).toEqual({ f: path.basename(f), mode: '600' });
    await first.close();

    // Loosened while stopped (a copy, a restore, a careless chmod): the next start tightens it again.
    fs.chmodSync(dataDir, 0o755);
    for (const f of fs.readdirSync(dataDir)) fs.chmodSync(path.join(dataDir, f), 0o644);
    const second = await testServer({ dataDir });
    cleanups.push(() => second.close());
    expect(mode(dataDir)).toBe(0o700);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(mode(f)).toBe(0o600);
  });
});
