// What the storage benchmarks share: the server's TypeScript bundled on the fly (no build step needed), and a
// deterministic generator so every build of a cached store of one size is the same store.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Bundle the named exports of the SQLite storage adapter (`SqliteStorage`) and of `app.ts` (e.g.
 * `createServices`, `startServer`) from source into a temp module and import it. The module is written inside
 * the repository, so its external imports (better-sqlite3, zod…) resolve from node_modules.
 */
export async function bundleServer(tag, appExports) {
  const { build } = await import('esbuild');
  const out = path.join(root, 'node_modules', '.cache', `od-${tag}-bench-${process.pid}.mjs`);
  await build({
    stdin: {
      contents: `export { SqliteStorage } from './packages/server/src/adapters/sqlite/storage.ts';
                 export { ${appExports.join(', ')} } from './packages/server/src/app.ts';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    alias: { '@open-discord/protocol': path.join(root, 'packages/protocol/src/index.ts') },
    external: ['better-sqlite3', 'ws', 'bcryptjs', 'jsonwebtoken', 'zod', 'commander', 'unicode-confusables', 'sharp'],
    logLevel: 'error',
  });
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    fs.rmSync(out, { force: true });
  }
}

/** A small deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
