import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source so that a test run never depends on a stale build.
// (The tmux end-to-end tests run the built binaries; `npm test` builds first.)
const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@open-discord/protocol': src('protocol'),
      '@open-discord/server': src('server'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Starts nothing by itself: the first test file that needs PostgreSQL starts the run's one cluster.
    globalSetup: ['packages/server/test/pg/global-setup.ts'],
  },
});
