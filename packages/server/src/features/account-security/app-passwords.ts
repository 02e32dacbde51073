import type { AppPasswordInfo } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps, Log } from '../../core/deps.js';
import type { WriteContext } from '../../core/commit-queue.js';
import { newCode, sha256 } from '../accounts/tokens.js';
import type { AppPasswordRow } from './app-password-repository.js';

/** How many app passwords one account may hold: one per client is the idea, not one per login. */
export const APP_PASSWORDS_MAX = 20;
/** Characters of a secret (from a 32-letter alphabet: 100 bits), shown in groups of five. */
const SECRET_LENGTH = 20;

/** The secret as typed (any case, spaces or dashes between groups) in its stored form's input: upper case, bare. */
export function normaliseAppSecret(secret: string): string {
  return secret.replace(/[\s-]/g, '').toUpperCase();
}

/** Could this be an app password at all? Only then is it looked up (anything else is an account password). */
export function looksLikeAppSecret(normalised: string): boolean {
  return normalised.length === SECRET_LENGTH && /^[A-HJ-NP-Z2-9]+$/.test(normalised);
}

export const appSecretHash = (normalised: string): string => sha256(`app-password:${normalised}`);

export const toAppPasswordInfo = (r: AppPasswordRow): AppPasswordInfo => ({
  id: r.id,
  name: r.name,
  createdAt: r.createdAt,
  lastUsed: r.lastUsedAt,
  lastAddress: r.lastAddress,
});

/**
 * App passwords: per-client secrets for clients that cannot ask for a two-factor code (the IRC gateway). The
 * secret is random and long, so it is stored as a plain SHA-256 (like refresh tokens) and shown only once.
 * Revoking one tells the listeners (the IRC gateway closes the connections that logged in with it).
 */
export class AppPasswords {
  private readonly revokedListeners: Array<(id: string, userId: string) => void> = [];

  constructor(private readonly d: ServiceDeps) {}

  /** Called after an app password was revoked and the revocation committed (close its connections). */
  onRevoked(listener: (id: string, userId: string) => void): void {
    this.revokedListeners.push(listener);
  }

  async create(userId: string, name: string): Promise<{ appPassword: AppPasswordInfo; secret: string }> {
    const raw = newCode(SECRET_LENGTH).toLowerCase();
    const secret = raw.match(/.{5}/g)!.join('-');
    const row = await this.d.queue.submit(async (w) => {
      const mine = await this.d.store.appPasswords.list(userId);
      if (mine.length >= APP_PASSWORDS_MAX) throw new ProtocolError('CONFLICT', `you have ${APP_PASSWORDS_MAX} app passwords: revoke one first`);
      const key = name.toLowerCase();
      if (mine.some((p) => p.name.toLowerCase() === key)) throw new ProtocolError('CONFLICT', `you already have an app password called ${name}`);
      const created = { id: this.d.newId(), userId, name, secretHash: appSecretHash(normaliseAppSecret(secret)), createdAt: w.now };
      await this.d.store.appPasswords.insert(created);
      return { ...created, lastUsedAt: null, lastAddress: '' };
    });
    this.d.log({ level: 'info', msg: 'app password created', userId, appPasswordId: row.id });
    return { appPassword: toAppPasswordInfo(row), secret };
  }

  async list(userId: string): Promise<{ appPasswords: AppPasswordInfo[] }> {
    return { appPasswords: (await this.d.store.appPasswords.list(userId)).map(toAppPasswordInfo) };
  }

  async revoke(userId: string, id: string): Promise<{ ok: true }> {
    await this.d.queue.submit(async (w) => {
      // Someone else's id (or a made-up one) answers like a missing one: ids are not confirmed to strangers.
      if (!(await this.d.store.appPasswords.remove(userId, id))) throw new ProtocolError('NOT_FOUND', 'no such app password');
      this.revokedIn(w, [id], userId);
    });
    this.d.log({ level: 'info', msg: 'app password revoked', userId, appPasswordId: id });
    return { ok: true };
  }

  /** Inside a write: revoke every app password of the user (password change, log out everywhere else). */
  async revokeAllIn(w: WriteContext, userId: string): Promise<number> {
    const ids = await this.d.store.appPasswords.removeAll(userId);
    this.revokedIn(w, ids, userId);
    return ids.length;
  }

  private revokedIn(w: WriteContext, ids: readonly string[], userId: string): void {
    if (ids.length === 0) return;
    w.afterCommit(() => {
      for (const id of ids) for (const l of this.revokedListeners) safely(this.d.log, () => l(id, userId));
    });
  }
}

function safely(log: Log, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    log({ level: 'error', msg: 'app password listener failed', error: String(error) });
  }
}
