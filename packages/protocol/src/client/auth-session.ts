import { ProtocolError } from '../errors.js';
import type { TokenPair } from '../http.js';
import { refresh as httpRefresh, type HttpOptions } from './http-api.js';
import type { TokenSource } from './types.js';

/** Refresh when the access token has less than this left, so it cannot expire between check and use. */
export const REFRESH_MARGIN_MS = 30_000;

export interface SavedTokens {
  /** Optional: without it the first use refreshes. */
  accessToken?: string;
  refreshToken: string;
}

export interface AuthSessionOptions {
  /** Server base URL (for /api/refresh). */
  url: string;
  tokens: SavedTokens | TokenPair;
  /** Called with every new pair: persist `refreshToken`, the old one is revoked by the rotation. */
  onRotate?: (pair: TokenPair) => void;
  now?: () => number;
  /** Replace the HTTP refresh call (tests). */
  refresh?: (url: string, refreshToken: string) => Promise<TokenPair>;
  http?: HttpOptions;
}

/**
 * Reads `exp` (seconds) from a JWT's payload WITHOUT verifying it: the client only needs to know when to
 * refresh; the server verifies. Returns epoch ms, or null when the token is not a readable JWT.
 */
export function jwtExpiryMs(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const payload = JSON.parse(base64UrlText(part)) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Decode base64url (unpadded) UTF-8 text with the standard atob/TextDecoder, so no Node Buffer is needed. */
function base64UrlText(part: string): string {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
}

/**
 * A TokenSource over an access + refresh token pair. Hands out the access token while it has more than
 * 30 s left, otherwise refreshes — one refresh at a time, because refresh tokens rotate: two concurrent
 * refreshes with the same token would look like token theft to the server and revoke the whole family.
 */
export class AuthSession implements TokenSource {
  private access: string | null;
  private refreshToken: string;
  private expiresAt: number | null;
  private inflight: Promise<string> | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: AuthSessionOptions) {
    this.now = opts.now ?? Date.now;
    this.access = opts.tokens.accessToken ?? null;
    this.refreshToken = opts.tokens.refreshToken;
    this.expiresAt = this.access ? this.expiryOf(this.access, 'expiresIn' in opts.tokens ? opts.tokens.expiresIn : undefined) : null;
  }

  /** The current refresh token (rotated on every refresh). */
  get currentRefreshToken(): string {
    return this.refreshToken;
  }

  /** The current access token without refreshing (for logout-all), or null. */
  get currentAccessToken(): string | null {
    return this.access;
  }

  async getAccessToken(forceRefresh = false): Promise<string> {
    if (!forceRefresh && this.access && this.expiresAt !== null && this.expiresAt - this.now() > REFRESH_MARGIN_MS) {
      return this.access;
    }
    this.inflight ??= this.doRefresh().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private expiryOf(token: string, expiresInSec?: number): number | null {
    return jwtExpiryMs(token) ?? (expiresInSec !== undefined ? this.now() + expiresInSec * 1000 : null);
  }

  private async doRefresh(): Promise<string> {
    const refresh = this.opts.refresh ?? ((url, token) => httpRefresh(url, token, this.opts.http));
    const pair = await refresh(this.opts.url, this.refreshToken);
    this.access = pair.accessToken;
    this.refreshToken = pair.refreshToken;
    this.expiresAt = this.expiryOf(pair.accessToken, pair.expiresIn);
    this.opts.onRotate?.(pair);
    return pair.accessToken;
  }
}

/** True when an error means "log in again": the refresh token is revoked, expired or unknown. */
export const isSessionExpired = (error: unknown): boolean => error instanceof ProtocolError && error.code === 'UNAUTHORIZED';
