import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopPid } from './cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's shared PostgreSQL lives once a test file asked for it (see fresh-db.ts). */
    odPgRunDir: string;
  }
}

/**
 * Once per vitest run: a directory where the first test file that needs PostgreSQL starts the run's one
 * cluster (lazily, so runs without PostgreSQL tests pay nothing), and, at the end, the cluster stopped by its
 * PID and the directory removed.
 */
export default function setup(project: TestProject): () => Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-pg-run-'));
  // PostgreSQL runs as its own user when we are root: it must reach its cluster inside.
  fs.chmodSync(dir, 0o755);
  project.provide('odPgRunDir', dir);
  return async () => {
    try {
      const info = JSON.parse(fs.readFileSync(path.join(dir, 'cluster.json'), 'utf8')) as { pid: number };
      await stopPid(info.pid);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
