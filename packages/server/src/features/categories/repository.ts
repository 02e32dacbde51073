import type { Category } from '@open-discord/protocol';

/** Categories: the categories feature's storage (room placement is stored on the room). */
export interface CategoriesRepository {
  insert(c: Category): void;
  get(id: string): Category | null;
  /** In display order. */
  list(): Category[];
  update(c: Category): void;
  delete(id: string): void;
}
