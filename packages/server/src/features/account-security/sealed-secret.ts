import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/*
 * TOTP secrets are stored sealed (AES-256-GCM) under a key derived from the server's secret file, which lives
 * beside the database but not in it: a copy of the database (a backup, a stolen disk image of the data file
 * alone) does not hand out everyone's second factor.
 */

const PREFIX = 'v1:';

/** The sealing key for TOTP secrets, derived from the server secret (one purpose, one key). */
export function totpSealKey(serverSecret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), 'od totp secret v1', 32));
}

export function sealSecret(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return PREFIX + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

/** The plain secret, or null when it was not sealed with this key (a different server secret). */
export function openSecret(key: Buffer, sealed: string): string | null {
  if (!sealed.startsWith(PREFIX)) return null;
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
  if (raw.length < 29) return null;
  try {
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}
