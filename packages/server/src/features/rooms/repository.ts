import type { Awaitable } from '../../ports/awaitable.js';
import type { Room } from '@open-discord/protocol';

/** Rooms and who is in them (dm/group members, text-room joins): the rooms feature's storage. */

export interface RoomRow {
  id: string;
  name: string;
  topic: string;
  kind: 'text' | 'dm' | 'group' | 'forum' | 'voice';
  categoryId: string | null;
  position: number;
  restrictedTo: string[] | null;
  createdBy: string | null;
  createdAt: number;
  deleted: boolean;
  /** A default room: new members join it at sign-up. */
  autoJoin: boolean;
  /** Seconds between two messages of one member (0: off). */
  slowmodeSec: number;
  /** The room's own retention policy: null follows the server's default, 0 keeps forever (read back from storage). */
  retentionSec?: number | null;
  /** The retention horizon: every message up to this order has expired (0: none). */
  expiredThrough?: number;
}

export interface RoomsRepository {
  insert(r: Omit<RoomRow, 'deleted' | 'slowmodeSec'>): Awaitable<void>;
  get(id: string): Awaitable<RoomRow | null>;
  /** Every room including deleted ones (the access index needs them to judge old events), in display order. */
  all(): Awaitable<RoomRow[]>;
  update(r: RoomRow): Awaitable<void>;
  /** null opens the room to everyone. */
  setRestriction(roomId: string, roleIds: string[] | null): Awaitable<void>;
  markDeleted(roomId: string): Awaitable<void>;
  setSlowmode(roomId: string, seconds: number): Awaitable<void>;
  /** The rooms with slowmode on (not deleted): loaded once into the messages feature's cache. */
  slowmoded(): Awaitable<Array<{ id: string; slowmodeSec: number }>>;
  /** Who is in the room: members of a dm/group, those who joined a text room. */
  members(roomId: string): Awaitable<string[]>;
  /** The rooms a user is in. */
  roomsOf(userId: string): Awaitable<string[]>;
  allMembers(): Awaitable<Array<{ roomId: string; userId: string }>>;
  addMember(roomId: string, userId: string): Awaitable<void>;
  removeMember(roomId: string, userId: string): Awaitable<void>;
  /** The wire shape of a room (dm/group rooms list their members). */
  toWire(r: RoomRow): Awaitable<Room>;
}
