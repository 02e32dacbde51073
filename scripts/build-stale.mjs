#!/usr/bin/env node
// `npm run build` builds every package; `npm start` (no --all) builds only the packages whose sources changed since their last build, so a second start
// is instant instead of re-running every tsup build (type declarations are the slow part).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// In dependency order: a package's build reads the ones before it.
const PACKAGES = [
  ['protocol', '@open-discord/protocol'],
  ['server', '@open-discord/server'],
  ['tui', '@open-discord/tui'],
];
const STAMP = '.build-stamp';

/** The newest modification time among a package's inputs: its sources, its package.json, the shared tsconfig. */
function newestInput(dir) {
  let newest = Math.max(fs.statSync(path.join(dir, 'package.json')).mtimeMs, fs.statSync(path.join(root, 'tsconfig.base.json')).mtimeMs);
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(path.join(dir, 'src'));
  return newest;
}

const all = process.argv.includes('--all');
let rebuiltBefore = all;
for (const [folder, name] of PACKAGES) {
  const dir = path.join(root, 'packages', folder);
  const stamp = path.join(dir, 'dist', STAMP);
  const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  // A package built before a package it depends on was rebuilt may embed that package's old types.
  if (!rebuiltBefore && built >= newestInput(dir)) continue;
  process.stderr.write(`building ${name}…\n`);
  execFileSync('npm', ['run', 'build', '-w', name], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  rebuiltBefore = true;
}
