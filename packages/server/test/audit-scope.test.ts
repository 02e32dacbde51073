import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '@open-discord/protocol';
import { createServices } from '../src/app.js';
import { SqliteStorage as Store } from '../src/adapters/sqlite/storage.js';
import type { AuditNote } from '../src/core/commit-queue.js';
import { quiet, tempDir } from './helpers.js';

/*
 * The commit queue's audit scope, over a real SQLite file: a privileged action's entry is written by the
 * first of its writes that commits, in that write's own step; never by a write that failed, never twice, and
 * never by a write some hook submitted while the action's batch was running.
 */
let dir: string;
let store: Store;
let s: Awaited<ReturnType<typeof createServices>>;

beforeEach(async () => {
  dir = tempDir();
  store = Store.open(dir);
  s = await createServices({
    storage: store,
    now: () => 1_700_000_000_000,
    newId: (() => {
      let n = 0;
      return () => `id${++n}`;
    })(),
    log: quiet,
    snapshotThreshold: 10_000,
    auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
  });
});
afterEach(async () => {
  await s.deps.queue.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const note = (action: string): AuditNote => ({ actorId: 'u1', action, targetUserId: null, roomId: null, detail: {} });
const entries = async () => (await store.audit.page(Number.MAX_SAFE_INTEGER, 100)).map((e) => e.action);

describe('the audit scope', () => {
  it('records once, with the first write that commits; a refused write before it records nothing', async () => {
    const { queue } = s.deps;
    await queue.audited(note('twice'), async () => {
      await expect(queue.submit(() => Promise.reject(new ProtocolError('NOT_FOUND', 'no')))).rejects.toThrow('no');
      expect(await entries()).toEqual([]);
      await queue.submit(async () => store.accountSecurity.setRoleRequired('r1', true));
      await queue.submit(async () => store.accountSecurity.setRoleRequired('r1', true));
    });
    expect(await entries()).toEqual(['twice']);
  });

  it('a step that throws after its change undoes the entry with it', async () => {
    const { queue } = s.deps;
    await expect(
      queue.audited(note('undone'), () =>
        queue.submit(async (w) => {
          await w.audit(note('explicit'));
          throw new ProtocolError('CONFLICT', 'changed meanwhile');
        }),
      ),
    ).rejects.toThrow('changed meanwhile');
    expect(await entries()).toEqual([]);
  });

  it("a write some hook submits while the action's batch runs is not the action, even when the action failed", async () => {
    const { queue } = s.deps;
    let hookWrite: Promise<unknown> = Promise.resolve();
    // The action is the first write of its turn (so its batch was scheduled from inside its scope), and it is refused.
    const action = queue.audited(note('refused action'), () => queue.submit(() => Promise.reject(new ProtocolError('FORBIDDEN', 'no'))));
    // Another request in the same batch whose after-commit hook writes again.
    const other = queue.submit(async (w) => {
      await store.accountSecurity.setRoleRequired('r2', true);
      w.afterCommit(() => {
        hookWrite = queue.submit(async () => store.accountSecurity.setRoleRequired('r3', true));
      });
    });
    await expect(action).rejects.toThrow('no');
    await other;
    await hookWrite;
    expect(await entries()).toEqual([]);
  });
});
