import { ProtocolError } from '@open-discord/protocol';
import type { Repositories } from '../../ports/storage.js';

/**
 * Refuse what a block forbids between `actorId` and `otherId` (a direct chat opened or written to, a group
 * add): either side's block stops it. The blocked side learns only that the other does not accept it from
 * them — the refusal cannot help showing that much — never the blocker's list.
 */
export async function refuseIfBlocked(store: Pick<Repositories, 'blocks'>, actorId: string, otherId: string): Promise<void> {
  if (await store.blocks.blocks(actorId, otherId)) {
    throw new ProtocolError('FORBIDDEN', 'you blocked this user: unblock them first');
  }
  if (await store.blocks.blocks(otherId, actorId)) {
    throw new ProtocolError('FORBIDDEN', 'this user does not accept direct messages or group invitations from you');
  }
}
