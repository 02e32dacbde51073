import type { Awaitable } from '../../ports/awaitable.js';
/** Per-user read markers: the read-markers feature's storage. */
export interface ReadMarkersRepository {
  /** 0 when the user never marked the room. */
  marker(userId: string, roomId: string): Awaitable<number>;
  markers(userId: string): Awaitable<Map<string, number>>;
  set(userId: string, roomId: string, order: number): Awaitable<void>;
  /** Every member's marker of one room (read receipts), by user id. */
  ofRoom(roomId: string): Awaitable<Map<string, number>>;
}
