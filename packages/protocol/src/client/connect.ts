import type { TokenPair } from '../http.js';
import { AuthSession, type SavedTokens } from './auth-session.js';
import { login, type HttpOptions } from './http-api.js';
import { OdClient } from './od-client.js';
import type { OdClientOptions } from './types.js';

/**
 * Log in with a password (and the two-factor code when the account has two-factor login), or resume a saved
 * session with its refresh token.
 */
export type Credentials = { username: string; password: string; code?: string } | SavedTokens;

export interface ConnectOptions extends Omit<OdClientOptions, 'url' | 'tokens'> {
  /** Called with every token pair (the login's and each rotation): persist `refreshToken` to log in next time without a password. */
  onRotate?: (pair: TokenPair) => void;
  http?: HttpOptions;
  /**
   * Called with the new client before it connects: attach listeners here. Listeners added after
   * `connect()` resolves can miss the initial `snapshot` and the first events, emitted while it goes live.
   */
  setup?: (client: OdClient) => void;
}

/**
 * The bot's one-liner: log in (or reuse saved tokens), connect, and resolve once live. The returned
 * client reconnects and resyncs by itself; call `client.close()` to stop it.
 */
export async function connect(url: string, credentials: Credentials, options: ConnectOptions = {}): Promise<OdClient> {
  const { onRotate, http, setup, ...clientOptions } = options;
  let tokens: SavedTokens | TokenPair = credentials as SavedTokens;
  if ('password' in credentials) {
    const { username, password, code } = credentials;
    const pair = await login(url, { username, password, ...(code !== undefined && { code }) }, http);
    onRotate?.(pair);
    tokens = pair;
  }
  const session = new AuthSession({ url, tokens, ...(onRotate && { onRotate }), ...(http && { http }), ...(options.now && { now: options.now }) });
  const client = new OdClient({ ...clientOptions, url, tokens: session });
  setup?.(client);
  await client.connect();
  return client;
}
