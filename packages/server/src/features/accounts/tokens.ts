import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** Claims in our access tokens. `tv` is the user's token version: bumping it kills live tokens. */
export interface AccessClaims {
  sub: string;
  tv: number;
  exp: number;
}

export function signAccessToken(secret: Buffer, userId: string, tokenVersion: number, nowMs: number, ttlSec: number): string {
  const iat = Math.floor(nowMs / 1000);
  return jwt.sign({ sub: userId, tv: tokenVersion, iat, exp: iat + ttlSec }, secret, { algorithm: 'HS256' });
}

/**
 * Verify signature (HS256 only: `none` and RS/HS confusion are refused), expiry against the injected
 * clock, and the presence of every claim we rely on (jsonwebtoken accepts tokens without `exp`).
 */
export function verifyAccessToken(secret: Buffer, token: string, nowMs: number): AccessClaims | null {
  try {
    const payload = jwt.verify(token, secret, { algorithms: ['HS256'], clockTimestamp: Math.floor(nowMs / 1000) });
    if (typeof payload !== 'object' || payload === null) return null;
    const { sub, tv, exp } = payload as Record<string, unknown>;
    if (typeof sub !== 'string' || typeof tv !== 'number' || typeof exp !== 'number') return null;
    return { sub, tv, exp };
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
