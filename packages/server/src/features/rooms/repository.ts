import type { Room } from '@open-discord/protocol';

/** Rooms and their members (dm/group): the rooms feature's storage. */

export interface RoomRow {
  id: string;
  name: string;
  topic: string;
  kind: 'text' | 'dm' | 'group';
  categoryId: string | null;
  position: number;
  restrictedTo: string[] | null;
  createdBy: string | null;
  createdAt: number;
  deleted: boolean;
}

export interface RoomsRepository {
  insert(r: Omit<RoomRow, 'deleted'>): void;
  get(id: string): RoomRow | null;
  /** Every room including deleted ones (the access index needs them to judge old events), in display order. */
  all(): RoomRow[];
  update(r: RoomRow): void;
  /** null opens the room to everyone. */
  setRestriction(roomId: string, roleIds: string[] | null): void;
  markDeleted(roomId: string): void;
  members(roomId: string): string[];
  allMembers(): Array<{ roomId: string; userId: string }>;
  addMember(roomId: string, userId: string): void;
  removeMember(roomId: string, userId: string): void;
  /** The wire shape of a room (dm/group rooms list their members). */
  toWire(r: RoomRow): Room;
}
