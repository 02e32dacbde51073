import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

/*
 * The fault tests need the server in a separate process (so it can be SIGKILLed, resource-limited and
 * measured), but must not depend on a stale `npm run build`. So each test process bundles the server's
 * TypeScript sources into one ESM file with esbuild (the same bundler tsup uses), keeping npm dependencies
 * external. The bundle goes under node_modules/.cache (ignored by git).
 */

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cacheDir = path.join(repoRoot, 'node_modules', '.cache', 'od-reliability');

const workspaceSources: Record<string, string> = {
  '@open-discord/protocol': path.join(repoRoot, 'packages/protocol/src/index.ts'),
  '@open-discord/server': path.join(repoRoot, 'packages/server/src/index.ts'),
};

/**
 * Workspace packages come from source. npm packages stay external but are resolved now, from the importing
 * file, to absolute paths: each workspace package may have its own nested copy of a dependency (the server's
 * commander is not the root's), which a bundle living elsewhere would otherwise not find.
 */
const resolveWorkspace: Plugin = {
  name: 'od-workspace',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      const src = workspaceSources[args.path];
      if (src) return { path: src };
      if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return { path: args.path, external: true };
      if (args.pluginData === 'od-inner') return undefined;
      const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'od-inner' });
      if (r.errors.length) return { errors: r.errors };
      return { path: r.path, external: true };
    });
  },
};

const built = new Map<string, Promise<string>>();

/** Bundle `entry` (a path relative to the repo root) once per test process; returns the bundle's path. */
export function bundleEntry(entry: string): Promise<string> {
  let p = built.get(entry);
  if (!p) {
    p = doBuild(entry);
    built.set(entry, p);
  }
  return p;
}

async function doBuild(entry: string): Promise<string> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const name = path.basename(entry).replace(/\.ts$/, '');
  const out = path.join(cacheDir, `${name}.mjs`);
  // Parallel test processes bundle concurrently: write privately, then rename atomically.
  const tmp = path.join(cacheDir, `${name}.${process.pid}.${Date.now()}.mjs`);
  await build({
    entryPoints: [path.join(repoRoot, entry)],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'silent',
    plugins: [resolveWorkspace],
  });
  fs.renameSync(tmp, out);
  return out;
}
