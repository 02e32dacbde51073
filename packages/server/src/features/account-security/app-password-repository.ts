import type { Awaitable } from '../../ports/awaitable.js';

/** One app password as stored: never the secret, only its SHA-256. */
export interface AppPasswordRow {
  id: string;
  userId: string;
  /** What the user called it (`irssi`). */
  name: string;
  secretHash: string;
  createdAt: number;
  /** The last login with it (epoch ms), or null when never used. */
  lastUsedAt: number | null;
  /** The address of that login ('' when never used). */
  lastAddress: string;
}

/** App passwords' storage (account safety). */
export interface AppPasswordRepository {
  insert(row: Omit<AppPasswordRow, 'lastUsedAt' | 'lastAddress'>): Awaitable<void>;
  /** The user's app passwords, oldest first. */
  list(userId: string): Awaitable<AppPasswordRow[]>;
  byHash(secretHash: string): Awaitable<AppPasswordRow | null>;
  /** Delete one of the user's app passwords; false when they have none with this id. */
  remove(userId: string, id: string): Awaitable<boolean>;
  /** Delete all of the user's app passwords; answers their ids. */
  removeAll(userId: string): Awaitable<string[]>;
  /** A login used it: when and from where. */
  touch(id: string, now: number, address: string): Awaitable<void>;
}
