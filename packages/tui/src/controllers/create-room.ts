import type { RequestParams, RequestResult } from '@open-discord/protocol';
import type { ChatClient } from './chat-client.js';

type Created = RequestResult<'room.create'>;

/**
 * `/create staff --role mods`: a room that only those roles may see, created restricted in ONE request, so
 * members without the roles never see it exist (creating it and then restricting it would announce its name
 * and topic to everyone online in between).
 */
export function createRoom(client: ChatClient, params: RequestParams<'room.create'>, roleIds: readonly string[]): Promise<Created> {
  return client.request('room.create', roleIds.length === 0 ? params : { ...params, restrictedTo: [...roleIds] });
}
