import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * bcrypt silently ignores bytes after the 72nd; pre-hashing with SHA-256 (base64, 44 bytes) makes every
 * byte of a long password count. The async API keeps the event loop free while hashing.
 */
const prehash = (password: string) => createHash('sha256').update(password, 'utf8').digest('base64');

export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(prehash(password), cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(prehash(password), hash);
}
