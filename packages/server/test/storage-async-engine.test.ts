import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import type { BatchStep, Storage } from '../src/ports/storage.js';
import { tempDir } from './helpers.js';
import { ENGINES } from './storage-engines.js';
import { community, everyFeature } from './every-feature-flow.js';

/*
 * The storage port lets an engine over the network answer every call later. Here the SQLite storage is
 * wrapped so that every repository and log call answers with a promise that runs the real call fifty
 * microtasks later, and each step of a batch is checked to have awaited every call it made before it ends.
 * A service that forgot an `await` would leave a call pending at the end of its step (or would read a
 * promise as a value and fail). The same flow over every feature runs on the plain SQLite store and on each
 * engine's store wrapped so (SQLite, and PostgreSQL, which answers later anyway): the event logs and every
 * read must come out identical.
 */
const dirs: string[] = [];
const stores: SqliteStorage[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

const LATENCY_HOPS = 50;
const REPOS = ['users', 'credentials', 'roles', 'rooms', 'categories', 'messages', 'readMarkers', 'reactions', 'conversations', 'roomSettings', 'files', 'retention', 'forum', 'events'] as const;

/** Every repository call answered one microtask later; `pending` counts calls not yet answered. */
function deferredStorage(real: Storage, problems: string[]): Storage {
  let pending = 0;
  const wrapped = Object.create(real) as Storage;
  for (const name of REPOS) {
    const repo = real[name] as unknown as Record<string, unknown>;
    const proxy: Record<string, unknown> = Object.create(repo);
    for (let proto = Object.getPrototypeOf(repo); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const key of Object.getOwnPropertyNames(proto)) {
        const fn = repo[key];
        // The log's append stays synchronous by contract (the unit assigns orders itself).
        if (key === 'constructor' || typeof fn !== 'function' || key === 'append') continue;
        if (Object.prototype.hasOwnProperty.call(proxy, key)) continue;
        proxy[key] = async (...args: unknown[]) => {
          pending++;
          // Answered many microtasks later (still within the turn: the SQLite adapter refuses a step that
          // waits for I/O), so a call nobody awaits is still pending when its step ends.
          for (let hop = 0; hop < LATENCY_HOPS; hop++) await null;
          pending--;
          return (fn as (...a: unknown[]) => unknown).apply(repo, args);
        };
      }
    }
    (wrapped as unknown as Record<string, unknown>)[name] = proxy;
  }
  wrapped.runBatch = (knownHead, steps, onForeign) =>
    real.runBatch(
      knownHead,
      steps.map(
        (step): BatchStep => ({
          run: async (uow) => {
            const value = await step.run(uow);
            if (pending !== 0) problems.push(`a step ended with ${pending} storage call(s) not awaited`);
            return value;
          },
          rolledBack: () => step.rolledBack(),
        }),
      ),
      onForeign,
    );
  wrapped.transaction = (fn) => real.transaction(fn);
  return wrapped;
}

function filesDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

describe.each(ENGINES)('the services on an engine whose every call answers later ($name)', (engine) => {
  // PostgreSQL needs every feature's repository (adapters/postgres/feature-repos.ts) for this flow.
  it.runIf(engine.complete)('await every storage call, and produce exactly what the synchronous SQLite engine produces', async () => {
    const run = async (real: Storage, wrap: boolean) => {
      const problems: string[] = [];
      const s = await community(wrap ? deferredStorage(real, problems) : real, filesDir());
      const reads = await everyFeature(s);
      const log = (await real.events.after(0, 10_000)).map((e) => [e.order, e.type, e.dataJson]);
      return { reads, log, problems };
    };
    const dir = tempDir();
    dirs.push(dir);
    const reference = SqliteStorage.open(dir);
    stores.push(reference);
    const plain = await run(reference, false);
    const deferred = await run(await engine.open(), true);
    expect(deferred.problems).toEqual([]);
    expect(deferred.log.length).toBeGreaterThan(30);
    expect(deferred.log).toEqual(plain.log);
    expect(deferred.reads).toEqual(plain.reads);
  });
});
