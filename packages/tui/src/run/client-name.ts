import { createRequire } from 'node:module';

/**
 * What od tells the server it is at login (`od 0.1.0`), shown in the user's session list so they can tell
 * their devices apart. The package.json sits two folders up from both src/run and dist/run.
 */
export function clientName(): string {
  try {
    const pkg = createRequire(import.meta.url)('../../package.json') as { version?: unknown };
    return typeof pkg.version === 'string' ? `od ${pkg.version}` : 'od';
  } catch {
    return 'od';
  }
}
