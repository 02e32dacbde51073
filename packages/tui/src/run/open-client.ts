import { AuthSession, OdClient, refresh as httpRefresh, type TokenPair } from '@open-discord/protocol';
import path from 'node:path';
import { withFileLock } from '../config/file-lock.js';
import { loadSessions, pickSession, putSession, type SavedSession } from '../config/sessions.js';
import { EXIT, ExitError } from './exit-codes.js';

export interface Opened {
  name: string;
  session: SavedSession;
  auth: AuthSession;
  client: OdClient;
}

/** The saved session for `--server NAME` (or the default one), or a clear error telling how to get one. */
export function requireSession(dir: string, name?: string): { name: string; session: SavedSession } {
  const picked = pickSession(loadSessions(dir), name);
  if (!picked) {
    throw new ExitError(EXIT.USAGE, name ? `no saved session for server "${name}": run od login URL --server ${name}` : 'not logged in: run od login URL');
  }
  return picked;
}

/**
 * Refresh a saved session's tokens, safely among several od processes sharing it (`od tail` running while a
 * script calls `od send`). Refresh tokens rotate on every use and reusing a rotated one revokes the whole
 * family, so refreshes take turns under a lock file, and each starts from the token saved last: if another
 * process rotated it meanwhile, the one we hold is already spent. The new token is saved before the lock goes.
 */
export function sharedRefresh(dir: string, name: string, session: SavedSession) {
  return (url: string, token: string): Promise<TokenPair> =>
    withFileLock(path.join(dir, 'sessions.lock'), async () => {
      const saved = loadSessions(dir).servers[name];
      const current = saved && saved.url === session.url ? saved : undefined;
      const pair = await httpRefresh(url, current?.refreshToken ?? token);
      putSession(dir, name, { ...(current ?? session), refreshToken: pair.refreshToken }, false);
      return pair;
    });
}

/** A protocol client for a saved session; refreshed tokens are written back at once (see sharedRefresh). */
export function openClient(dir: string, name: string, session: SavedSession, first?: TokenPair): Opened {
  const auth = new AuthSession({
    url: session.url,
    tokens: first ?? { refreshToken: session.refreshToken },
    refresh: sharedRefresh(dir, name, session),
  });
  const client = new OdClient({ url: session.url, tokens: auth });
  return { name, session, auth, client };
}
