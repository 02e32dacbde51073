import type { Repositories } from '../../ports/storage.js';
import { isRecoveryCodeShape, recoveryCodeHash } from './recovery-codes.js';
import type { TwoFactorRow } from './repository.js';
import { openSecret } from './sealed-secret.js';
import { matchingStep } from './totp.js';

/**
 * Spend a second-factor code (TOTP or recovery code) of an enabled two-factor row: true when it was valid
 * and unused, and now it is used. Runs inside a write: the step or code is consumed in the same unit of work
 * as whatever the code authorises, so a replay or a race between two uses of one code cannot both pass.
 */
export async function spendSecondFactor(
  store: Pick<Repositories, 'accountSecurity'>,
  tf: TwoFactorRow,
  code: string,
  now: number,
  /** The key TOTP secrets are sealed with (sealed-secret.ts). */
  key: Buffer,
): Promise<boolean> {
  if (!tf.enabled) return false;
  const c = code.replace(/[\s-]/g, '');
  if (isRecoveryCodeShape(c)) return await store.accountSecurity.useRecoveryCode(tf.userId, recoveryCodeHash(c));
  const secret = openSecret(key, tf.secret);
  // A secret sealed under another server secret (the secret file was replaced) matches no code: recovery
  // codes still work, and the operator's reset with --clear-2fa starts over.
  if (secret === null) return false;
  const step = matchingStep(secret, c, now);
  return step !== null && (await store.accountSecurity.consumeStep(tf.userId, step));
}
