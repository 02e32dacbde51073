import type { Awaitable } from '../../ports/awaitable.js';
import type { Category } from '@open-discord/protocol';

/** Categories: the categories feature's storage (room placement is stored on the room). */
export interface CategoriesRepository {
  insert(c: Category): Awaitable<void>;
  get(id: string): Awaitable<Category | null>;
  /** In display order. */
  list(): Awaitable<Category[]>;
  update(c: Category): Awaitable<void>;
  delete(id: string): Awaitable<void>;
}
