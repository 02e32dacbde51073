import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshPgUrl } from './pg/fresh-db.js';

describe('the PostgreSQL test harness', () => {
  it('gives each call its own empty database on a real server', async () => {
    const a = await freshPgUrl();
    const b = await freshPgUrl();
    expect(a).not.toEqual(b);
    const ca = new pg.Client({ connectionString: a });
    const cb = new pg.Client({ connectionString: b });
    await ca.connect();
    await cb.connect();
    try {
      await ca.query('CREATE TABLE t (x INT)');
      await ca.query('INSERT INTO t VALUES (1)');
      // The other database has no such table: they are separate.
      await expect(cb.query('SELECT * FROM t')).rejects.toThrow(/does not exist/);
      // DROP DATABASE … WITH (FORCE), which the harness cleans up with, needs 13 or newer.
      const v = await ca.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v");
      expect(v.rows[0]!.v).toBeGreaterThanOrEqual(130000);
    } finally {
      await ca.end();
      await cb.end();
    }
  });
});
