#!/usr/bin/env node
// npm links a workspace's bin only if its file exists at install time, and dist/ is built after
// `npm ci`; so the bin is this small file in git, and it loads the build.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('od-server: not built yet: run `npm run build` (or `npm start`) in the open_discord folder first\n');
  process.exit(1);
}
await import(cli.href);
