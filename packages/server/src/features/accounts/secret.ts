import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SECRET_FILE = 'secret.key';

/**
 * The access-token signing secret: 48 random bytes generated at first start, stored hex-encoded in
 * `<dataDir>/secret.key` with mode 0600 (owner-only). Rotating it (deleting the file) logs everyone out.
 */
export function loadOrCreateSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, SECRET_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, randomBytes(48).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  fs.chmodSync(file, 0o600); // in case the file was copied in with looser permissions
  const secret = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  if (secret.length < 32) throw new Error(`${SECRET_FILE} holds fewer than 32 bytes; delete it to generate a new one`);
  return secret;
}
