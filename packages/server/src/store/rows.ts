/** Row shapes shared by the repositories (snake_case columns mapped to camelCase once, here). */
export interface UserRow {
  id: string;
  username: string;
  nickname: string;
  color: string | null;
  passwordHash: string;
  tokenVersion: number;
  removed: boolean;
  /** Why the user was removed; null while active. */
  removedReason: RemovalReason | null;
  createdAt: number;
}

export type RemovalReason = 'kicked' | 'banned';

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

export interface MessageRow {
  id: string;
  roomId: string;
  authorId: string;
  text: string;
  nonce: string | null;
  action: boolean;
  mentions: string[];
  order: number;
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
}

/** One row of the event log, with its payload kept as the JSON text it is stored as. */
export interface StoredEvent {
  order: number;
  id: string;
  type: string;
  roomId: string | null;
  actorId: string | null;
  /** Set for private events (read.marked, access.changed): only that user may see them. */
  targetUserId: string | null;
  createdAt: number;
  dataJson: string;
}

export type NewEvent = Omit<StoredEvent, 'order' | 'dataJson'> & { data: unknown };
