import type { Category } from '@open-discord/protocol';
import type { CategoriesRepository } from '../../features/categories/repository.js';
import type { PgDb } from './db.js';

/** PostgreSQL implementation of the categories feature's CategoriesRepository. */
export class PgCategoriesRepo implements CategoriesRepository {
  constructor(private readonly db: PgDb) {}

  async insert(c: Category): Promise<void> {
    await this.db.run('INSERT INTO categories (id, name, position) VALUES ($1, $2, $3)', [c.id, c.name, c.position]);
  }
  get(id: string): Promise<Category | null> {
    return this.db.row<Category>('SELECT id, name, position FROM categories WHERE id = $1', [id]);
  }
  list(): Promise<Category[]> {
    return this.db.rows<Category>('SELECT id, name, position FROM categories ORDER BY position, id');
  }
  async update(c: Category): Promise<void> {
    await this.db.run('UPDATE categories SET name = $1, position = $2 WHERE id = $3', [c.name, c.position, c.id]);
  }
  async delete(id: string): Promise<void> {
    await this.db.run('DELETE FROM categories WHERE id = $1', [id]);
  }
}
