import { RateLimiter } from '../core/rate-limit.js';

/**
 * How much malformed input an address and an account may make the server parse, shared by all their
 * sockets (a per-socket limit alone lets 100 sockets stall everyone). Counted in KiB: a malformed frame
 * costs its size (at least 256 bytes). Once an address or account has spent its budget it is *blocked* until the
 * bucket would allow a frame again (at least MIN_BLOCK_MS): then its suspect sockets (those that sent a malformed frame) and its
 * large frames are refused before they are parsed, and new connections from a blocked address are
 * refused at the upgrade. Healthy clients, which send small well-formed frames, never spend from it.
 */
/** How long an address or account that overspent stays blocked, at least. */
export const MIN_BLOCK_MS = 5_000;

export class ParseBudget {
  private readonly byIp: RateLimiter;
  private readonly byUser: RateLimiter;
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    /** KiB of malformed input per second, and burst, per address. */
    ip = { perSec: 256, burst: 2048 },
    /** The same per account. */
    user = { perSec: 128, burst: 1024 },
  ) {
    this.byIp = new RateLimiter(ip.perSec, ip.burst, now);
    this.byUser = new RateLimiter(user.perSec, user.burst, now);
  }

  /** KiB, at least a quarter: parse work grows with size, and small frames are bounded per socket anyway. */
  static cost(bytes: number): number {
    return Math.max(bytes, 256) / 1024;
  }

  /** Is this address (or account, if given) blocked now? */
  blocked(ip: string, userId: string | null): boolean {
    return this.isBlocked(`ip:${ip}`) || (userId !== null && this.isBlocked(`u:${userId}`));
  }

  /** Charge a malformed frame; false when the address or account is over budget (and now blocked). */
  spend(ip: string, userId: string | null, bytes: number): boolean {
    const cost = ParseBudget.cost(bytes);
    const ipWait = this.byIp.take(ip, cost);
    const userWait = userId === null ? 0 : this.byUser.take(userId, cost);
    if (ipWait > 0) this.block(`ip:${ip}`, ipWait);
    if (userWait > 0) this.block(`u:${userId}`, userWait);
    return ipWait === 0 && userWait === 0;
  }

  private block(key: string, waitMs: number): void {
    if (this.blockedUntil.size > 50_000) this.blockedUntil.clear();
    // At least MIN_BLOCK_MS: blocked only until one more frame's worth had refilled, a flood of sockets
    // would reconnect in step and get a fresh round of frames parsed every fraction of a second.
    this.blockedUntil.set(key, this.now() + Math.max(waitMs, MIN_BLOCK_MS));
  }

  private isBlocked(key: string): boolean {
    const until = this.blockedUntil.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.blockedUntil.delete(key);
    return false;
  }
}
