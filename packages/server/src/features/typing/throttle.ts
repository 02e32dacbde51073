/**
 * How often one user's typing notices in one room are relayed to others. Clients repeat the notice every
 * 3 s while the user types (receivers keep the indicator 5 s); relaying at most one per 2.5 s lets every
 * notice of such a client through despite timer jitter, while a client sending a notice per keystroke (or
 * a flood of them) costs one fan-out per room every 2.5 s instead of one per frame.
 */
export const TYPING_RELAY_MIN_MS = 2500;

/** Bound on remembered (user, room) pairs: past it, entries whose window has passed are forgotten. */
const MAX_KEYS = 50_000;

/** Decides which typing notices are relayed; one per server, shared by all of a user's connections. */
export class TypingRelayThrottle {
  private readonly last = new Map<string, number>();

  constructor(private readonly intervalMs = TYPING_RELAY_MIN_MS) {}

  /** True when this notice should be relayed now (and records it); false: drop it silently. */
  allow(userId: string, roomId: string, now: number): boolean {
    const key = `${userId}/${roomId}`;
    const at = this.last.get(key);
    if (at !== undefined && now - at < this.intervalMs && now >= at) return false;
    if (at === undefined && this.last.size >= MAX_KEYS) this.prune(now);
    this.last.set(key, now);
    return true;
  }

  /**
   * The user's message in the room went out: receivers dropped the indicator when it arrived, so the next
   * notice (typing the next message) is relayed at once.
   */
  sent(userId: string, roomId: string): void {
    this.last.delete(`${userId}/${roomId}`);
  }

  private prune(now: number): void {
    for (const [k, at] of this.last) if (now - at >= this.intervalMs || now < at) this.last.delete(k);
    // Still full of fresh entries (a flood of distinct rooms): forget them all rather than grow.
    if (this.last.size >= MAX_KEYS) this.last.clear();
  }
}
