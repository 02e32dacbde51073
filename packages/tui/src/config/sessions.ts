import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * Saved sessions: one per server, each a server URL and a refresh token (which rotates on every use, so the
 * file is rewritten whenever the client refreshes). The file holds secrets: it is created 0600 inside a 0700
 * directory and replaced atomically, so a crash mid-write never leaves a half-written token behind.
 */

export interface SavedSession {
  url: string;
  refreshToken: string;
  username?: string;
}

export interface SessionsFile {
  version: 1;
  default: string | null;
  servers: Record<string, SavedSession>;
}

const isSession = (v: unknown): v is SavedSession =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as SavedSession).url === 'string' &&
  typeof (v as SavedSession).refreshToken === 'string' &&
  ['string', 'undefined'].includes(typeof (v as SavedSession).username);

function isSessionsFile(v: unknown): v is SessionsFile {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as SessionsFile;
  return (
    f.version === 1 &&
    (f.default === null || typeof f.default === 'string') &&
    typeof f.servers === 'object' &&
    f.servers !== null &&
    Object.values(f.servers).every(isSession)
  );
}

const EMPTY: SessionsFile = { version: 1, default: null, servers: {} };

/** `$OD_CONFIG_DIR`, else `$XDG_CONFIG_HOME/od`, else `~/.config/od`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.OD_CONFIG_DIR) return env.OD_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'od');
}

export const sessionsPath = (dir: string) => path.join(dir, 'sessions.json');

/** A server's name in the file: the one given with --server, else host:port of its URL. */
export function serverNameFor(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function loadSessions(dir: string): SessionsFile {
  let text: string;
  try {
    text = fs.readFileSync(sessionsPath(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`${sessionsPath(dir)} is not valid JSON; fix or delete it and log in again`);
  }
  if (!isSessionsFile(data)) throw new Error(`${sessionsPath(dir)} is not a sessions file; fix or delete it and log in again`);
  return data;
}

export function saveSessions(dir: string, file: SessionsFile): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const target = sessionsPath(dir);
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
  // writeFile's mode only applies on creation; make sure even a leftover temp file is private.
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, target);
}

/** The session to use: the named one, else the default, else the only one. */
export function pickSession(file: SessionsFile, name?: string): { name: string; session: SavedSession } | null {
  const key = name ?? file.default ?? (Object.keys(file.servers).length === 1 ? Object.keys(file.servers)[0] : undefined);
  if (!key) return null;
  const session = file.servers[key];
  return session ? { name: key, session } : null;
}

export function putSession(dir: string, name: string, session: SavedSession, makeDefault = true): void {
  const file = loadSessions(dir);
  file.servers[name] = session;
  if (makeDefault || !file.default) file.default = name;
  saveSessions(dir, file);
}

export function removeSession(dir: string, name: string): void {
  const file = loadSessions(dir);
  delete file.servers[name];
  if (file.default === name) file.default = Object.keys(file.servers)[0] ?? null;
  saveSessions(dir, file);
}
