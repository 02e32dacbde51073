import { AccountExport } from '../features/account-export.js';
import type { z } from 'zod';
import { ErrorBody, ProtocolError, type ErrorCode } from '../errors.js';
import { HTTP_PATHS, LoginBody, ResetPasswordBody, SignupBody, TokenPair } from '../http.js';

/**
 * The HTTP account API over the global `fetch` (Node 20+). Every reply is validated; every failure is a
 * ProtocolError carrying the server's code and message (or UNAVAILABLE when the server cannot be reached),
 * so callers branch on `error.code` and never on HTTP statuses or fetch internals.
 */

export interface HttpOptions {
  /** Replace the global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Abort the request after this long (default 15 s). */
  timeoutMs?: number;
}

export const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** `http://host:port/` + path, tolerating a trailing slash or a ws:// URL. */
export function httpUrl(base: string, path: string): string {
  const u = new URL(base);
  if (u.protocol === 'ws:') u.protocol = 'http:';
  if (u.protocol === 'wss:') u.protocol = 'https:';
  u.pathname = u.pathname.replace(/\/+$/, '') + path;
  u.search = '';
  u.hash = '';
  return u.toString();
}

async function post(base: string, path: string, body: unknown, opts: HttpOptions, bearer?: string): Promise<unknown> {
  const doFetch = opts.fetch ?? fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  // Tokens travel in headers or bodies only, never in URLs (they end up in logs).
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let res: Response;
  try {
    res = await doFetch(httpUrl(base, path), {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ProtocolError('UNAVAILABLE', `cannot reach ${new URL(base).host}: ${why}`);
  }
  const text = await res.text().catch(() => '');
  let data: unknown = undefined;
  try {
    data = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // Not JSON (a proxy's HTML error page, say): fall through to the status-based error below.
  }
  if (!res.ok) {
    const err = ErrorBody.safeParse((data as { error?: unknown } | undefined)?.error);
    if (err.success) throw new ProtocolError(err.data.code, err.data.message, err.data.retryAfterMs);
    const code = STATUS_CODES[res.status] ?? (res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
    throw new ProtocolError(code, `HTTP ${res.status} from ${path}`);
  }
  return data;
}

function parse<S extends z.ZodTypeAny>(schema: S, data: unknown, path: string): z.output<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw new ProtocolError('INTERNAL', `unexpected reply from ${path}`);
  return r.data;
}

/** Create an account (an invite code is needed unless the server's registration is open). */
export async function signup(baseUrl: string, body: z.input<typeof SignupBody>, opts: HttpOptions = {}): Promise<TokenPair> {
  return parse(TokenPair, await post(baseUrl, HTTP_PATHS.signup, body, opts), HTTP_PATHS.signup);
}

export async function login(baseUrl: string, body: LoginBody, opts: HttpOptions = {}): Promise<TokenPair> {
  return parse(TokenPair, await post(baseUrl, HTTP_PATHS.login, body, opts), HTTP_PATHS.login);
}

/** Trade a refresh token for a new pair. The old refresh token is dead afterwards: persist the new one. */
export async function refresh(baseUrl: string, refreshToken: string, opts: HttpOptions = {}): Promise<TokenPair> {
  return parse(TokenPair, await post(baseUrl, HTTP_PATHS.refresh, { refreshToken }, opts), HTTP_PATHS.refresh);
}

/** Revoke this session's refresh token. */
export async function logout(baseUrl: string, refreshToken: string, opts: HttpOptions = {}): Promise<void> {
  await post(baseUrl, HTTP_PATHS.logout, { refreshToken }, opts);
}

/** Revoke every session of the user (all refresh tokens, and access tokens as the server checks them). */
export async function logoutAll(baseUrl: string, accessToken: string, opts: HttpOptions = {}): Promise<void> {
  await post(baseUrl, HTTP_PATHS.logoutAll, {}, opts, accessToken);
}

/**
 * Set a new password with the one-time code printed by `od-server user reset-password`. Every existing
 * session of the user is revoked: log in again afterwards.
 */
export async function resetPassword(baseUrl: string, body: ResetPasswordBody, opts: HttpOptions = {}): Promise<void> {
  await post(baseUrl, HTTP_PATHS.resetPassword, body, opts);
}

/** Everything the server holds about the user that they may see (the data export). */
export async function exportAccount(baseUrl: string, accessToken: string, opts: HttpOptions = {}): Promise<AccountExport> {
  return parse(AccountExport, await post(baseUrl, HTTP_PATHS.export, {}, opts, accessToken), HTTP_PATHS.export);
}

/** Would `invite` let someone sign up now? Resolves, or throws the same FORBIDDEN a sign-up would get. */
export async function checkInvite(baseUrl: string, invite: string, opts: HttpOptions = {}): Promise<void> {
  await post(baseUrl, HTTP_PATHS.inviteCheck, { invite }, opts);
}

/**
 * Is a server answering at `baseUrl`? GET /healthz; resolves with its head, or throws a ProtocolError
 * (UNAVAILABLE when nothing answers). Lets a login form say "cannot reach" right after the URL is typed.
 */
export async function checkServer(baseUrl: string, opts: HttpOptions = {}): Promise<{ head: number }> {
  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(httpUrl(baseUrl, HTTP_PATHS.health), { method: 'GET', signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000) });
  } catch (error) {
    // fetch says only "fetch failed"; the cause's code (ECONNREFUSED, ENOTFOUND) is what a person can act on.
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    const why = typeof cause === 'string' ? cause : error instanceof Error ? error.message : String(error);
    throw new ProtocolError('UNAVAILABLE', `cannot reach ${new URL(baseUrl).host}: ${why}`);
  }
  const data = (await res.json().catch(() => null)) as { ok?: unknown; head?: unknown } | null;
  if (!res.ok || data?.ok !== true || typeof data.head !== 'number') {
    throw new ProtocolError('UNAVAILABLE', `${new URL(baseUrl).host} answers, but is not an od server (HTTP ${res.status})`);
  }
  return { head: data.head };
}
