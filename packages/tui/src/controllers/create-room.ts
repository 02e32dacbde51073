import { REQUESTS, type RequestParams, type RequestResult } from '@open-discord/protocol';
import type { ChatClient } from './chat-client.js';
import { describeError } from './describe-error.js';

type Created = RequestResult<'room.create'>;

/** Does this protocol's `room.create` take the roles to restrict the new room to? */
const atomic = (): boolean => 'roleIds' in (REQUESTS['room.create'].params as unknown as { shape: object }).shape;

/**
 * `/create staff --role mods`: a room that only those roles may see. Once `room.create` takes `roleIds` the
 * room is created restricted in one request; until then it is created and restricted at once after, and the
 * room is briefly public. This is the one function to change when the server's atomic parameter lands.
 */
export async function createRoom(client: ChatClient, params: RequestParams<'room.create'>, roleIds: readonly string[]): Promise<Created> {
  if (roleIds.length === 0) return client.request('room.create', params);
  if (atomic()) return client.request('room.create', { ...params, roleIds } as RequestParams<'room.create'>);
  const { room } = await client.request('room.create', params);
  try {
    return await client.request('room.restrict', { roomId: room.id, roleIds: [...roleIds] });
  } catch (e) {
    throw new Error(`#${room.name} was created but is visible to everyone (${describeError(e)}): /room restrict ${room.name} …`);
  }
}
