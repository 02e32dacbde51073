import { ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import type { AuthService } from '../accounts/service.js';
import type { UserRow } from '../accounts/repository.js';
import { appSecretHash, looksLikeAppSecret, normaliseAppSecret } from './app-passwords.js';

/**
 * Why a gateway login was refused:
 * - `invalid`: no such account, or neither its password nor one of its app passwords (the same answer for
 *   each, as at the login form);
 * - `app-password-required`: the account password was right, but the account has two-factor login, which an
 *   IRC client cannot ask for: it must log in with an app password (`/apppassword create`);
 * - `banned`, `removed`: the account may not log in (told only to someone who proved they hold it);
 * - `rate-limited`: too many attempts from this address or for this account; `retryAfterMs` says when.
 */
export type GatewayRefusal = 'invalid' | 'app-password-required' | 'banned' | 'removed' | 'rate-limited';

export type GatewayLogin =
  | { ok: true; userId: string; /** The app password it logged in with (close the connection when it is revoked), or null. */ appPasswordId: string | null }
  | { ok: false; reason: GatewayRefusal; message: string; retryAfterMs?: number };

/** A refusal carried through the rate limiter: its code decides whether the attempt spends the account's budget. */
class Refused extends ProtocolError {
  constructor(
    readonly reason: Exclude<GatewayRefusal, 'rate-limited'>,
    code: 'UNAUTHORIZED' | 'FORBIDDEN' | 'CODE_REQUIRED',
    message: string,
  ) {
    super(code, message);
  }
}

const invalid = () => new Refused('invalid', 'UNAUTHORIZED', 'invalid username or password');
const removal = (user: UserRow) =>
  user.removedReason === 'banned'
    ? new Refused('banned', 'FORBIDDEN', 'this account is banned from the server')
    : new Refused('removed', 'FORBIDDEN', 'this account was removed from the server');

/**
 * Log in a gateway client (IRC: SASL PLAIN or PASS) with a username and a secret: one of the account's app
 * passwords (always), or its password (only while two-factor login is off). Spends the login form's rate
 * budget (per address, and per account on failure). Judged again inside a write, as a login is: an app
 * password revoked, a password changed or two-factor login turned on meanwhile refuses it.
 */
export async function verifyGatewayLogin(d: ServiceDeps, auth: AuthService, username: string, secret: string, ip: string): Promise<GatewayLogin> {
  const name = username.trim().toLowerCase();
  try {
    return await auth.limited(ip, name, () => attempt(d, auth, name, secret, ip));
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason, message: error.message };
    if (error instanceof ProtocolError && error.code === 'RATE_LIMITED') {
      return { ok: false, reason: 'rate-limited', message: error.message, ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }) };
    }
    throw error;
  }
}

async function attempt(d: ServiceDeps, auth: AuthService, username: string, secret: string, ip: string): Promise<GatewayLogin> {
  const normalised = normaliseAppSecret(secret);
  if (looksLikeAppSecret(normalised)) {
    const hash = appSecretHash(normalised);
    const row = await d.store.appPasswords.byHash(hash);
    const user = row ? await d.store.users.byId(row.userId) : null;
    if (row && user && user.username === username) {
      if (user.removed) throw removal(user);
      return await d.queue.submit(async (w) => {
        // Revoked (or the account removed) since it was read: refused like a wrong secret.
        const now = await d.store.appPasswords.byHash(hash);
        const current = await d.store.users.byId(user.id);
        if (!now || now.userId !== user.id || !current || current.removed) throw invalid();
        await d.store.appPasswords.touch(now.id, w.now, ip);
        return { ok: true as const, userId: user.id, appPasswordId: now.id };
      });
    }
  }
  // Not an app password of this account: the account password, at a login's cost whether or not it exists.
  const user = await auth.checkPassword(username, secret);
  if (!user) throw invalid();
  if (user.removed) throw removal(user);
  return await d.queue.submit(async () => {
    const current = await d.store.users.byId(user.id);
    if (!current || current.removed || current.passwordHash !== user.passwordHash || current.tokenVersion !== user.tokenVersion) throw invalid();
    // Inside the write, so a login racing a two-factor enable sees one state or the other.
    if ((await d.store.accountSecurity.twoFactor(user.id))?.enabled) {
      throw new Refused('app-password-required', 'CODE_REQUIRED', 'this account has two-factor login: log in with an app password (/apppassword create in od)');
    }
    return { ok: true as const, userId: user.id, appPasswordId: null };
  });
}
