import type { ParsedParams } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';

const userNotFound = () => new ProtocolError('NOT_FOUND', 'user not found');

/**
 * Each user's block list. Private: the change is an event for the blocker's own devices (`targetUserId`), and
 * nothing is written that the blocked user receives. What a block forbids is checked where it happens (direct
 * chats, group adds: `refuseIfBlocked`); hiding a blocked user's messages in shared rooms is the client's.
 */
export class BlocksService {
  constructor(private readonly d: ServiceDeps) {}

  set(userId: string, p: ParsedParams<'user.block'>): Promise<{ blocked: string[] }> {
    const { store } = this.d;
    if (p.userId === userId) return Promise.reject(new ProtocolError('BAD_REQUEST', 'you cannot block yourself'));
    return this.d.queue.submit(async (w) => {
      // Unblocking works for a removed account too (so a list never keeps an entry one cannot clear).
      if (p.blocked) {
        const u = await store.users.byId(p.userId);
        if (!u || u.removed) throw userNotFound();
      }
      if (await store.blocks.set(userId, p.userId, p.blocked, w.now)) {
        w.emit({ type: 'user.blocked', roomId: null, actorId: userId, targetUserId: userId }, { userId: p.userId, blocked: p.blocked });
      }
      return { blocked: await store.blocks.list(userId) };
    });
  }

  async list(userId: string): Promise<{ blocked: string[] }> {
    return { blocked: await this.d.store.blocks.list(userId) };
  }
}
