import type { Permission, Role } from '@open-discord/protocol';
import { isCommunityRoom, PERMISSIONS } from '@open-discord/protocol';
import { EVERYONE_ROLE, OWNER_ROLE } from '../features/roles/repository.js';
import type { Repositories } from '../ports/storage.js';

/** What visibility needs to know about a room. */
export interface RoomAccess {
  id: string;
  kind: 'text' | 'dm' | 'group' | 'forum' | 'voice';
  restrictedTo: readonly string[] | null;
  /** dm/group members (who may see it); null for text rooms. */
  members: ReadonlySet<string> | null;
  /** Who is in the room: its messages reach them (dm/group: its members; text: who joined). */
  joined: ReadonlySet<string>;
  deleted: boolean;
}

/** The part of an event that decides who may see it. */
export interface EventScope {
  type: string;
  roomId: string | null;
  targetUserId: string | null;
}

const NO_ROLES: ReadonlySet<string> = new Set();
const NOBODY: ReadonlySet<string> = new Set();

/** Where the index loads from: the storage port's rooms and roles. */
export type AccessSource = Pick<Repositories, 'rooms' | 'roles'>;

/**
 * An in-memory index of who may see what: rooms (kind, restriction, members), role grants and role
 * permissions. Loaded from the store on demand (`view()`, awaited: the store may be over the network) and
 * dropped whenever an event a feature declares as changing visibility is written (see commit-queue), so it
 * is never stale for longer than the write that changed it.
 *
 * THE visibility rule lives in AccessView and only there; sync, history, state, unread counts, live
 * fan-out and error messages all ask it.
 */
export class AccessIndex {
  private cur: AccessView | null = null;
  private _version = 0;

  constructor(
    private readonly store: AccessSource,
    /** Room events every viewer receives, joined or not (declared by the features). */
    private readonly viewerEvents: ReadonlySet<string> = new Set(),
  ) {}

  /**
   * Bumped on every invalidation: caches derived from this index (the hub's per-room audiences) compare
   * it instead of being told about each change, so no invalidation path can be missed.
   */
  get version(): number {
    return this._version;
  }

  invalidate(): void {
    this._version++;
    this.cur = null;
  }

  /** The rules now: at once when loaded, else loaded first. A load overtaken by an invalidation is not kept. */
  view(): AccessView | Promise<AccessView> {
    if (this.cur) return this.cur;
    const version = this._version;
    return AccessView.load(this.store, this.viewerEvents).then((v) => {
      if (version === this._version) this.cur = v;
      return v;
    });
  }

  /**
   * The loaded rules, for fan-out (which runs after the commit queue has loaded them); null while they are
   * being reloaded.
   */
  get current(): AccessView | null {
    return this.cur;
  }
}

/** The visibility rules as of one load of the index: synchronous questions, no I/O. */
export class AccessView {
  private constructor(
    private readonly rooms: Map<string, RoomAccess>,
    private readonly grants: Map<string, Set<string>>,
    private readonly roles: Map<string, Role>,
    private readonly viewerEvents: ReadonlySet<string>,
  ) {}

  static async load(store: AccessSource, viewerEvents: ReadonlySet<string> = new Set()): Promise<AccessView> {
    const [memberRows, roomRows, grantRows, roleRows] = await Promise.all([
      store.rooms.allMembers(),
      store.rooms.all(),
      store.roles.allGrants(),
      store.roles.list(),
    ]);
    const members = new Map<string, Set<string>>();
    for (const m of memberRows) {
      let set = members.get(m.roomId);
      if (!set) members.set(m.roomId, (set = new Set()));
      set.add(m.userId);
    }
    const rooms = new Map<string, RoomAccess>();
    for (const r of roomRows) {
      rooms.set(r.id, {
        id: r.id,
        kind: r.kind,
        restrictedTo: r.restrictedTo,
        members: isCommunityRoom(r.kind) ? null : (members.get(r.id) ?? new Set()),
        joined: members.get(r.id) ?? NOBODY,
        deleted: r.deleted,
      });
    }
    const grants = new Map<string, Set<string>>();
    for (const g of grantRows) {
      let set = grants.get(g.userId);
      if (!set) grants.set(g.userId, (set = new Set()));
      set.add(g.roleId);
    }
    return new AccessView(rooms, grants, new Map(roleRows.map((r) => [r.id, r])), viewerEvents);
  }

  room(roomId: string): RoomAccess | null {
    return this.rooms.get(roomId) ?? null;
  }

  /** Every room the index knows, deleted ones included. */
  allRooms(): Iterable<RoomAccess> {
    return this.rooms.values();
  }

  /** Roles held explicitly (the implicit `everyone` is not listed). */
  rolesOf(userId: string): ReadonlySet<string> {
    return this.grants.get(userId) ?? NO_ROLES;
  }

  isOwner(userId: string): boolean {
    return this.rolesOf(userId).has(OWNER_ROLE);
  }

  hasPermission(userId: string, perm: Permission): boolean {
    if (this.isOwner(userId)) return true;
    const roles = this.roles;
    if (roles.get(EVERYONE_ROLE)?.permissions.includes(perm)) return true;
    for (const role of this.rolesOf(userId)) if (roles.get(role)?.permissions.includes(perm)) return true;
    return false;
  }

  /** The position of the highest role the user holds (`everyone` counts, at 0; the owner role is highest). */
  topPosition(userId: string): number {
    const roles = this.roles;
    let top = roles.get(EVERYONE_ROLE)?.position ?? 0;
    for (const id of this.rolesOf(userId)) top = Math.max(top, roles.get(id)?.position ?? 0);
    return top;
  }

  permissionsOf(userId: string): Permission[] {
    return PERMISSIONS.filter((p) => this.hasPermission(userId, p));
  }

  /** Is a room visible to the user now, judged by its kind and restriction alone (deleted or not)? */
  roomVisibleTo(userId: string, room: RoomAccess): boolean {
    if (room.members) return room.members.has(userId); // dm/group: members only, even for the owner
    if (room.restrictedTo === null) return true;
    const held = this.rolesOf(userId);
    if (held.has(OWNER_ROLE)) return true;
    for (const r of room.restrictedTo) if (held.has(r)) return true;
    return false;
  }

  /** Can the user see (and act in) this room: it exists, is not deleted and is visible to them. */
  canSeeRoom(userId: string, roomId: string): boolean {
    const room = this.room(roomId);
    return room !== null && !room.deleted && this.roomVisibleTo(userId, room);
  }

  /** Is the user in the room (joined a text room, or a member of a dm/group)? */
  isMember(userId: string, roomId: string): boolean {
    return this.room(roomId)?.joined.has(userId) ?? false;
  }

  /** Does this room event reach every viewer of its room (its metadata), or only the room's members? */
  isViewerEvent(type: string): boolean {
    return this.viewerEvents.has(type);
  }

  /**
   * THE visibility rule for events: private events only to their target; server-wide events to all;
   * a room's metadata to whoever may see the room now; its other events (messages) to those of them who
   * are in it. Everything else is accounted for as redacted.
   */
  canSeeEvent(userId: string, e: EventScope): boolean {
    if (e.targetUserId !== null) return e.targetUserId === userId;
    if (e.roomId === null) return true;
    const room = this.room(e.roomId);
    if (room === null || !this.roomVisibleTo(userId, room)) return false;
    return this.viewerEvents.has(e.type) || room.joined.has(userId);
  }

  /** Public rooms are visible to every user: fan-out of their metadata can skip per-user checks. */
  isPublic(roomId: string): boolean {
    const room = this.room(roomId);
    return room !== null && room.members === null && room.restrictedTo === null;
  }
}

