import { TYPING_RESEND_MS } from '../state/typing/typing.js';

/**
 * At most one `typing` signal per room every TYPING_RESEND_MS while the user types (receivers keep the
 * indicator a little longer than that). `sent()` after a message goes out forgets the room, so typing the next
 * message is announced at once: the receivers dropped the indicator when the message arrived.
 */
export class TypingThrottle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly intervalMs = TYPING_RESEND_MS,
  ) {}

  /** True when a signal for `roomId` should go out now (and records it). */
  typed(roomId: string): boolean {
    const t = this.now();
    const prev = this.last.get(roomId);
    if (prev !== undefined && t - prev < this.intervalMs && t >= prev) return false;
    this.last.set(roomId, t);
    return true;
  }

  sent(roomId: string): void {
    this.last.delete(roomId);
  }
}
