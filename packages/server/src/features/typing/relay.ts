import type { AccessIndex } from '../../core/access.js';
import type { Hub } from '../../session/hub.js';
import type { Session } from '../../session/session.js';
import { TypingRelayThrottle } from './throttle.js';

/**
 * Typing notices from live sessions: relayed to others who can see the room (the hub's audience for it),
 * at most once per user and room per throttle window. One per server, so a user's notices count together
 * across their connections. Never stored, never an event.
 */
export class TypingRelay {
  private readonly throttle = new TypingRelayThrottle();

  constructor(
    private readonly access: AccessIndex,
    private readonly hub: Hub,
    private readonly now: () => number,
  ) {}

  /** A typing frame from a live session; a room hidden from the sender is ignored like a missing one. */
  notice(from: Session, roomId: string): void {
    const userId = from.userId!;
    // Ephemeral: while the access rules are being reloaded, a notice is dropped rather than waited for.
    const view = this.access.current;
    if (view?.canSeeRoom(userId, roomId) && view.isMember(userId, roomId) && this.throttle.allow(userId, roomId, this.now())) this.hub.typing(from, roomId);
  }

  /** The user's message in the room went out: their next notice is relayed at once. */
  sent(userId: string, roomId: string): void {
    this.throttle.sent(userId, roomId);
  }
}
