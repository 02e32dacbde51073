import type { ParsedParams, PresenceMode } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';

/** The presence mode a user chose: stored with the account, told to their own devices by a private event. */
export class PresenceService {
  constructor(private readonly d: ServiceDeps) {}

  setMode(userId: string, p: ParsedParams<'presence.set'>): Promise<{ mode: PresenceMode }> {
    return this.d.queue.submit(async (w) => {
      const current = (await this.d.store.users.byId(userId))!;
      if (current.presenceMode === p.mode) return { mode: p.mode };
      await this.d.store.users.setPresenceMode(userId, p.mode);
      w.emit({ type: 'presence.mode', roomId: null, actorId: userId, targetUserId: userId }, { mode: p.mode });
      return { mode: p.mode };
    });
  }
}
