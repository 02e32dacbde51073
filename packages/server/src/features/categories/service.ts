import type { Category, ParsedParams, Room } from '@open-discord/protocol';
import { isCommunityRoom, nameProblem, ProtocolError } from '@open-discord/protocol';
import { nameKey } from '../../text/name-key.js';
import { type Actor, requirePermission } from '../../core/authority.js';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import { roomNotFound } from '../rooms/errors.js';
import { byPlace, POSITION_GAP, positionAfter, positionBetween } from '../rooms/places.js';
import type { RoomRow } from '../rooms/repository.js';

const categoryNotFound = () => new ProtocolError('NOT_FOUND', 'category not found');

/** Put `item` at `index` (clamped) of `list`. */
function insertAt<T>(list: T[], item: T, index: number | undefined): T[] {
  const at = Math.max(0, Math.min(index ?? list.length, list.length));
  return [...list.slice(0, at), item, ...list.slice(at)];
}

/**
 * Categories and the placement of rooms in them. Category positions are dense (0, 1, 2, …): every member
 * sees every category. Room positions are sparse (see room-places.ts): placing a room changes that room
 * only, so moves of rooms hidden from a member never renumber the rooms they see. "Move to position N"
 * means "to index N among the rooms of that category the actor can see". Every room or category whose
 * place changed gets its own updated event. All of it needs manage_rooms.
 */
export class CategoriesService {
  constructor(private readonly d: ServiceDeps) {}

  create(actor: Actor, p: ParsedParams<'category.create'>): Promise<{ category: Category }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      requirePermission(await access.view(), actor, 'manage_rooms', 'create categories');
      await this.checkNameFree(p.name, null);
      const category: Category = { id: this.d.newId(), name: p.name, position: (await store.categories.list()).length };
      await store.categories.insert(category);
      w.emit({ type: 'category.created', roomId: null, actorId: actor }, { category });
      return { category };
    });
  }

  update(actor: Actor, p: ParsedParams<'category.update'>): Promise<{ category: Category }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      requirePermission(await access.view(), actor, 'manage_rooms', 'change categories');
      const current = await store.categories.get(p.categoryId);
      if (!current) throw categoryNotFound();
      if (p.name !== undefined) await this.checkNameFree(p.name, current.id);
      const renamed: Category = { ...current, name: p.name ?? current.name };
      const others = (await store.categories.list()).filter((c) => c.id !== current.id);
      const order = p.position === undefined ? insertAt(others, renamed, current.position) : insertAt(others, renamed, p.position);
      await this.renumberCategories(w, actor, order);
      return { category: (await store.categories.get(current.id))! };
    });
  }

  /** Delete a category; its rooms (visible or not to the actor) become uncategorised, after those already there. */
  delete(actor: Actor, p: ParsedParams<'category.delete'>): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      requirePermission(await access.view(), actor, 'manage_rooms', 'delete categories');
      const category = await store.categories.get(p.categoryId);
      if (!category) throw categoryNotFound();
      // Its rooms go after the uncategorised rooms the actor can see, keeping their order and their distances:
      // each keeps its offset from the first room of the category that the actor can see, so no room's new
      // position counts the rooms (hidden or not) before it.
      const base = positionAfter(await this.roomsIn(null, actor));
      const first = (await this.roomsIn(category.id, actor))[0]?.position ?? 0;
      for (const r of await this.roomsIn(category.id, null)) await this.place(w, actor, r, null, base + (r.position - first));
      await store.categories.delete(category.id);
      w.emit({ type: 'category.deleted', roomId: null, actorId: actor }, { categoryId: category.id });
      await this.renumberCategories(w, actor, await store.categories.list());
      return { ok: true as const };
    });
  }

  /** Move a room into a category (null = uncategorised) at an index among its visible rooms (default: last). */
  moveRoom(actor: Actor, p: ParsedParams<'room.move'>): Promise<{ room: Room }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      const row = await store.rooms.get(p.roomId);
      // A room the actor cannot see does not exist for them, permission or not.
      if (!row || !isCommunityRoom(row.kind) || (actor !== null && !(await access.view()).canSeeRoom(actor, row.id)) || row.deleted) throw roomNotFound();
      requirePermission(await access.view(), actor, 'manage_rooms', 'move rooms');
      if (p.categoryId !== null && !await store.categories.get(p.categoryId)) throw categoryNotFound();
      const seen = (await this.roomsIn(p.categoryId, actor)).filter((r) => r.id !== row.id);
      const at = Math.max(0, Math.min(p.position ?? seen.length, seen.length));
      const prev = seen[at - 1];
      const next = seen[at];
      const inPlace =
        row.categoryId === p.categoryId && (!prev || byPlace(prev, row) < 0) && (!next || byPlace(row, next) < 0);
      if (!inPlace) {
        const position = positionBetween(prev, next);
        if (position !== null) await this.place(w, actor, row, p.categoryId, position);
        else await this.renumber(w, actor, p.categoryId, row, prev!, next!);
      }
      return { room: await store.rooms.toWire((await store.rooms.get(row.id))!) };
    });
  }

  /** Live text rooms of a category that `viewer` can see (null: all of them), in their current order. */
  private async roomsIn(categoryId: string | null, viewer: Actor): Promise<RoomRow[]> {
    const { store, access } = this.d;
    const view = await access.view();
    return (await store.rooms.all())
      .filter((r) => !r.deleted && isCommunityRoom(r.kind) && r.categoryId === categoryId && (viewer === null || view.canSeeRoom(viewer, r.id)))
      .sort(byPlace);
  }

  /** Put one room at a category and position, announcing it if anything changed. */
  private async place(w: WriteContext, actor: Actor, room: RoomRow, categoryId: string | null, position: number): Promise<void> {
    const { store } = this.d;
    const stored = (await store.rooms.get(room.id))!;
    if (stored.position === position && stored.categoryId === categoryId) return;
    const next: RoomRow = { ...stored, categoryId, position };
    await store.rooms.update(next);
    w.emit({ type: 'room.updated', roomId: next.id, actorId: actor }, { room: await store.rooms.toWire(next) });
  }

  /**
   * No integer between `prev` and `next`: make room by shifting `next` and every room after it (seen or
   * not) up by POSITION_GAP, then put `moved` between. Each shifted room's new position depends only on its
   * own old one — never on how many rooms, hidden or not, come before it — so a respace tells a member
   * nothing about rooms hidden from them. Rare: it takes about ten moves into the same gap.
   */
  private async renumber(w: WriteContext, actor: Actor, categoryId: string | null, moved: RoomRow, prev: RoomRow, next: RoomRow): Promise<void> {
    for (const r of await this.roomsIn(categoryId, null)) {
      if (r.id !== moved.id && byPlace(r, next) >= 0) await this.place(w, actor, r, categoryId, r.position + POSITION_GAP);
    }
    const shifted = { ...next, position: next.position + POSITION_GAP };
    await this.place(w, actor, moved, categoryId, positionBetween(prev, shifted)!);
  }

  /** Give categories positions 0..n-1 in this order, announcing each whose name or position changed. */
  private async renumberCategories(w: WriteContext, actor: Actor, order: Category[]): Promise<void> {
    const { store } = this.d;
    for (const [position, c] of order.entries()) {
      const stored = (await store.categories.get(c.id))!;
      const next: Category = { ...c, position };
      if (stored.position === position && stored.name === next.name) continue;
      await store.categories.update(next);
      w.emit({ type: 'category.updated', roomId: null, actorId: actor }, { category: next });
    }
  }

  private async checkNameFree(name: string, self: string | null): Promise<void> {
    const problem = nameProblem(name);
    if (problem !== null) throw new ProtocolError('BAD_REQUEST', problem);
    const lc = nameKey(name);
    if ((await this.d.store.categories.list()).some((c) => c.id !== self && nameKey(c.name) === lc)) {
      throw new ProtocolError('CONFLICT', `a category named ${name} already exists`);
    }
  }
}
