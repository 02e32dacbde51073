import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

/**
 * Claims in our access tokens. `tv` is the user's token version: bumping it kills live tokens. `fam` is the
 * refresh-token family (the login session) it was issued for: revoking the family kills its access tokens.
 */
export interface AccessClaims {
  sub: string;
  tv: number;
  exp: number;
  /** Absent only in tokens issued before families were recorded in them. */
  fam?: string;
}

/** How far in the future a token's `iat` may be (clock skew between servers sharing a secret), seconds. */
export const IAT_SKEW_SEC = 30;

export function signAccessToken(
  secret: Buffer,
  userId: string,
  tokenVersion: number,
  nowMs: number,
  ttlSec: number,
  family?: string,
): string {
  const iat = Math.floor(nowMs / 1000);
  const claims = { sub: userId, tv: tokenVersion, iat, exp: iat + ttlSec, ...(family !== undefined && { fam: family }) };
  return jwt.sign(claims, secret, { algorithm: 'HS256' });
}

/**
 * Verify signature (HS256 only: `none` and RS/HS confusion are refused), expiry against the injected
 * clock, and the presence of every claim we rely on (jsonwebtoken accepts tokens without `exp`). A header
 * with `crit` is refused: we understand no extension, and RFC 7515 §4.1.11 says a token naming one it does
 * not understand is invalid. So is an `iat` more than IAT_SKEW_SEC in the future (RFC 8725: a token cannot
 * have been issued later than now).
 */
export function verifyAccessToken(secret: Buffer, token: string, nowMs: number): AccessClaims | null {
  try {
    const nowSec = Math.floor(nowMs / 1000);
    const decoded = jwt.verify(token, secret, { algorithms: ['HS256'], clockTimestamp: nowSec, complete: true });
    if (Object.hasOwn(decoded.header, 'crit')) return null;
    const payload = decoded.payload;
    if (typeof payload !== 'object' || payload === null) return null;
    const { sub, tv, exp, iat, fam } = payload as Record<string, unknown>;
    if (typeof sub !== 'string' || typeof tv !== 'number' || typeof exp !== 'number') return null;
    if (iat !== undefined && (typeof iat !== 'number' || iat > nowSec + IAT_SKEW_SEC)) return null;
    if (fam !== undefined && typeof fam !== 'string') return null;
    return fam === undefined ? { sub, tv, exp } : { sub, tv, exp, fam };
  } catch {
    return null;
  }
}

/** Opaque 256-bit refresh token (base64url); only its SHA-256 is stored. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Human-typeable code (invites, password resets): unambiguous upper-case letters and digits. */
export function newCode(length = 12): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
