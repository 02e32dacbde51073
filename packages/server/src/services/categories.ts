import type { Category, ParsedParams, Room } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { RoomRow } from '../store/store.js';
import { type Actor, requirePermission } from './authority.js';
import type { WriteContext } from './commit-queue.js';
import type { ServiceDeps } from './deps.js';
import { roomNotFound } from './rooms.js';

const categoryNotFound = () => new ProtocolError('NOT_FOUND', 'category not found');

const byPlace = (a: { position: number; id: string }, b: { position: number; id: string }) =>
  a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Put `item` at `index` (clamped) of `list`. */
function insertAt<T>(list: T[], item: T, index: number | undefined): T[] {
  const at = Math.max(0, Math.min(index ?? list.length, list.length));
  return [...list.slice(0, at), item, ...list.slice(at)];
}

/**
 * Categories and the placement of rooms in them. Positions are shared by everyone and kept dense
 * (0, 1, 2, … within each category, and across categories) so that "move to position N" means the same
 * thing to every client; every room or category whose place changed gets its own updated event.
 * All of it needs manage_rooms.
 */
export class CategoriesService {
  constructor(private readonly d: ServiceDeps) {}

  create(actor: Actor, p: ParsedParams<'category.create'>): Promise<{ category: Category }> {
    const { store, access, queue } = this.d;
    return queue.submit((w) => {
      requirePermission(access, actor, 'manage_rooms', 'create categories');
      this.checkNameFree(p.name, null);
      const category: Category = { id: this.d.newId(), name: p.name, position: store.rooms.categories().length };
      store.rooms.insertCategory(category);
      w.emit({ type: 'category.created', roomId: null, actorId: actor }, { category });
      return { category };
    });
  }

  update(actor: Actor, p: ParsedParams<'category.update'>): Promise<{ category: Category }> {
    const { store, access, queue } = this.d;
    return queue.submit((w) => {
      requirePermission(access, actor, 'manage_rooms', 'change categories');
      const current = store.rooms.category(p.categoryId);
      if (!current) throw categoryNotFound();
      if (p.name !== undefined) this.checkNameFree(p.name, current.id);
      const renamed: Category = { ...current, name: p.name ?? current.name };
      const others = store.rooms.categories().filter((c) => c.id !== current.id);
      const order = p.position === undefined ? insertAt(others, renamed, current.position) : insertAt(others, renamed, p.position);
      this.renumberCategories(w, actor, order);
      return { category: store.rooms.category(current.id)! };
    });
  }

  /** Delete a category; its rooms (visible or not to the actor) become uncategorised, after those already there. */
  delete(actor: Actor, p: ParsedParams<'category.delete'>): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    return queue.submit((w) => {
      requirePermission(access, actor, 'manage_rooms', 'delete categories');
      const category = store.rooms.category(p.categoryId);
      if (!category) throw categoryNotFound();
      const orphans = this.roomsIn(category.id);
      const uncategorised = [...this.roomsIn(null), ...orphans.map((r) => ({ ...r, categoryId: null }))];
      this.placeRooms(w, actor, uncategorised);
      store.rooms.deleteCategory(category.id);
      w.emit({ type: 'category.deleted', roomId: null, actorId: actor }, { categoryId: category.id });
      this.renumberCategories(w, actor, store.rooms.categories());
      return { ok: true as const };
    });
  }

  /** Move a room into a category (null = uncategorised) at a position (default: last). */
  moveRoom(actor: Actor, p: ParsedParams<'room.move'>): Promise<{ room: Room }> {
    const { store, access, queue } = this.d;
    return queue.submit((w) => {
      const row = store.rooms.get(p.roomId);
      // A room the actor cannot see does not exist for them, permission or not.
      if (!row || row.kind !== 'text' || (actor !== null && !access.canSeeRoom(actor, row.id)) || row.deleted) throw roomNotFound();
      requirePermission(access, actor, 'manage_rooms', 'move rooms');
      if (p.categoryId !== null && !store.rooms.category(p.categoryId)) throw categoryNotFound();
      const moved: RoomRow = { ...row, categoryId: p.categoryId };
      const target = insertAt(
        this.roomsIn(p.categoryId).filter((r) => r.id !== row.id),
        moved,
        p.position,
      );
      this.placeRooms(w, actor, target);
      if (row.categoryId !== p.categoryId) this.placeRooms(w, actor, this.roomsIn(row.categoryId));
      return { room: store.rooms.toWire(store.rooms.get(row.id)!) };
    });
  }

  /** Live text rooms of a category, in their current order. */
  private roomsIn(categoryId: string | null): RoomRow[] {
    return this.d.store.rooms
      .all()
      .filter((r) => !r.deleted && r.kind === 'text' && r.categoryId === categoryId)
      .sort(byPlace);
  }

  /** Give `rooms` positions 0..n-1 in this order, writing and announcing only those that changed. */
  private placeRooms(w: WriteContext, actor: Actor, rooms: RoomRow[]): void {
    const { store } = this.d;
    rooms.forEach((r, position) => {
      const stored = store.rooms.get(r.id)!;
      if (stored.position === position && stored.categoryId === r.categoryId) return;
      const next: RoomRow = { ...stored, categoryId: r.categoryId, position };
      store.rooms.update(next);
      w.emit({ type: 'room.updated', roomId: next.id, actorId: actor }, { room: store.rooms.toWire(next) });
    });
  }

  /** Give categories positions 0..n-1 in this order, announcing each whose name or position changed. */
  private renumberCategories(w: WriteContext, actor: Actor, order: Category[]): void {
    const { store } = this.d;
    order.forEach((c, position) => {
      const stored = store.rooms.category(c.id)!;
      const next: Category = { ...c, position };
      if (stored.position === position && stored.name === next.name) return;
      store.rooms.updateCategory(next);
      w.emit({ type: 'category.updated', roomId: null, actorId: actor }, { category: next });
    });
  }

  private checkNameFree(name: string, self: string | null): void {
    const lc = name.toLowerCase();
    if (this.d.store.rooms.categories().some((c) => c.id !== self && c.name.toLowerCase() === lc)) {
      throw new ProtocolError('CONFLICT', `a category named ${name} already exists`);
    }
  }
}
