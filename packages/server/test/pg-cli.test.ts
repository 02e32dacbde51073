import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_SCHEMA_VERSION } from '../src/adapters/postgres/migrations.js';
import { SCHEMA_VERSION } from '../src/adapters/sqlite/migrations.js';
import { ConfigError, databaseFrom, operatorDataDir, resolveStartOptions } from '../src/cli/config.js';
import { migrateStore } from '../src/cli/migrate.js';
import { tempDir } from './helpers.js';
import { freshPgUrl } from './pg/fresh-db.js';

/** The operator's side of PostgreSQL: choosing it (flag > env > config.json), `migrate`, and commands that refuse. */
const dirs: string[] = [];
const mk = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('choosing PostgreSQL', () => {
  it('--database beats OD_DATABASE_URL, which beats config.json; none means SQLite', () => {
    const dataDir = mk();
    expect(resolveStartOptions({ dataDir }, {}).database).toBeUndefined();
    expect(databaseFrom(undefined, dataDir, {})).toBeNull();
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ database: 'postgres://file@h/od' }));
    expect(resolveStartOptions({ dataDir }, {}).database).toBe('postgres://file@h/od');
    expect(resolveStartOptions({ dataDir }, { OD_DATABASE_URL: 'postgres://env@h/od' }).database).toBe('postgres://env@h/od');
    expect(resolveStartOptions({ dataDir, database: 'postgresql://flag@h/od' }, { OD_DATABASE_URL: 'postgres://env@h/od' }).database).toBe(
      'postgresql://flag@h/od',
    );
    expect(databaseFrom(undefined, dataDir, { OD_DATABASE_URL: 'postgres://env@h/od' })).toBe('postgres://env@h/od');
  });

  it('refuses a URL that is not PostgreSQL, clearly', () => {
    const dataDir = mk();
    expect(() => resolveStartOptions({ dataDir, database: 'mysql://x@h/od' }, {})).toThrow(ConfigError);
    expect(() => resolveStartOptions({ dataDir }, { OD_DATABASE_URL: './od.sqlite' })).toThrow(/OD_DATABASE_URL: a PostgreSQL URL/);
  });

  it('operator commands that work on the SQLite folder refuse when the community is in PostgreSQL', () => {
    const dataDir = mk();
    expect(operatorDataDir(dataDir, {})).toBe(dataDir);
    expect(() => operatorDataDir(dataDir, { OD_DATABASE_URL: 'postgres://env@h/od' })).toThrow(/not supported on PostgreSQL yet/);
    fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ database: 'postgres://file@h/od' }));
    expect(() => operatorDataDir(dataDir, {})).toThrow(/not supported on PostgreSQL yet/);
  });
});

describe('od-server migrate', () => {
  it('brings PostgreSQL to its schema version (and again, harmlessly), and SQLite to its own', async () => {
    const url = await freshPgUrl();
    expect(await migrateStore(mk(), url)).toBe(`PostgreSQL schema at version ${PG_SCHEMA_VERSION}`);
    expect(await migrateStore(mk(), url)).toBe(`PostgreSQL schema at version ${PG_SCHEMA_VERSION}`);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // One row per step, the last being this server's version.
      const steps = (await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows;
      expect(steps).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    } finally {
      await c.end();
    }
    const dir = mk();
    expect(await migrateStore(dir, null)).toBe(`SQLite schema at version ${SCHEMA_VERSION} (${path.resolve(dir)})`);
    expect(fs.existsSync(path.join(dir, 'od.sqlite'))).toBe(true);
  });

  it('a PostgreSQL it cannot reach is an error, not a silent success', async () => {
    await expect(migrateStore(mk(), 'postgres://nobody@127.0.0.1:1/none')).rejects.toThrow();
  });
});
