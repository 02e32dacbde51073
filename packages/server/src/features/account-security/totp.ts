import { Secret, TOTP } from 'otpauth';

/*
 * Time-based one-time passwords (RFC 6238) as authenticator apps make them: SHA-1, six digits, 30-second
 * steps. The otpauth library does the HMAC and truncation; this file decides which steps a code may be for.
 */

export const TOTP_PERIOD_SEC = 30;
/** One step either side: a phone clock off by up to 30 s (or a code typed as it rolled over) still works. */
export const TOTP_DRIFT_STEPS = 1;

/** A fresh 160-bit secret, base32 (what authenticators are given). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://` URI an authenticator scans: the issuer names the server, the label the account. */
export function totpUri(secret: string, issuer: string, account: string): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), period: TOTP_PERIOD_SEC }).toString();
}

/** The time step (counter) of an instant in epoch ms. */
export const stepAt = (nowMs: number): number => Math.floor(nowMs / 1000 / TOTP_PERIOD_SEC);

/** The code for one step: for tests and the RFC vectors (which use 8 digits and other hashes). */
export function totpAt(
  secret: Secret | string,
  nowMs: number,
  o: { digits?: number; algorithm?: 'SHA1' | 'SHA256' | 'SHA512' } = {},
): string {
  const s = typeof secret === 'string' ? Secret.fromBase32(secret) : secret;
  return TOTP.generate({ secret: s, timestamp: nowMs, period: TOTP_PERIOD_SEC, digits: o.digits ?? 6, algorithm: o.algorithm ?? 'SHA1' });
}

/**
 * The step `code` is valid for at `nowMs` (within the drift window), or null. Whether that step was used
 * already is the caller's question (storage answers it atomically).
 */
export function matchingStep(secret: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    timestamp: nowMs,
    period: TOTP_PERIOD_SEC,
    digits: 6,
    algorithm: 'SHA1',
    window: TOTP_DRIFT_STEPS,
  });
  return delta === null ? null : stepAt(nowMs) + delta;
}
