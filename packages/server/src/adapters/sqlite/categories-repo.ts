import type { Category } from '@open-discord/protocol';
import type { CategoriesRepository } from '../../features/categories/repository.js';
import type { Db } from './db.js';

/** SQLite implementation of the categories feature's CategoriesRepository. */
export class SqliteCategoriesRepo implements CategoriesRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insertCategory: db.prepare('INSERT INTO categories (id, name, position) VALUES (?, ?, ?)'),
      category: db.prepare<[string], Category>('SELECT id, name, position FROM categories WHERE id = ?'),
      categories: db.prepare<[], Category>('SELECT id, name, position FROM categories ORDER BY position, id'),
      updateCategory: db.prepare('UPDATE categories SET name = ?, position = ? WHERE id = ?'),
      deleteCategory: db.prepare('DELETE FROM categories WHERE id = ?'),
    };
  }

  insert(c: Category): void {
    this.s.insertCategory.run(c.id, c.name, c.position);
  }
  get(id: string): Category | null {
    return this.s.category.get(id) ?? null;
  }
  list(): Category[] {
    return this.s.categories.all();
  }
  update(c: Category): void {
    this.s.updateCategory.run(c.name, c.position, c.id);
  }
  delete(id: string): void {
    this.s.deleteCategory.run(id);
  }
}
