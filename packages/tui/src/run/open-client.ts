import { AuthSession, OdClient, type TokenPair } from '@open-discord/protocol';
import { pickSession, putSession, type SavedSession } from '../config/sessions.js';
import { loadSessions } from '../config/sessions.js';
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
 * A protocol client for a saved session. Refresh tokens rotate on every use, so each new one is written
 * back at once: losing it would log the user out (and reusing an old one revokes the whole family).
 */
export function openClient(dir: string, name: string, session: SavedSession, first?: TokenPair): Opened {
  const save = (pair: TokenPair) => putSession(dir, name, { ...session, refreshToken: pair.refreshToken }, false);
  const auth = new AuthSession({ url: session.url, tokens: first ?? { refreshToken: session.refreshToken }, onRotate: save });
  const client = new OdClient({ url: session.url, tokens: auth });
  return { name, session, auth, client };
}
