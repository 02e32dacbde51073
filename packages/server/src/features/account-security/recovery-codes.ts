import { randomInt } from 'node:crypto';
import { sha256 } from '../accounts/tokens.js';

/*
 * Recovery codes: ten one-use codes shown once at enrolment, for when the authenticator is lost. Each holds
 * 50 random bits, so a fast hash is enough to store them (a guess costs a login attempt from the rate budget).
 */

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read off paper

function part(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** `xxxxx-xxxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => `${part(5)}-${part(5)}`);
}

/** What is stored and compared: case, spaces and dashes do not matter to the person typing it. */
export function recoveryCodeHash(code: string): string {
  return sha256(code.toLowerCase().replace(/[\s-]/g, ''));
}

/** Does this look like a recovery code rather than a six-digit TOTP code? */
export const isRecoveryCodeShape = (code: string): boolean => code.replace(/[\s-]/g, '').length === 10;
