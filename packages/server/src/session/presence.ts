import type { PresenceMode, PresenceStatus } from '@open-discord/protocol';

interface UserPresence {
  /** Live connections. */
  live: number;
  /** Of those, the ones whose person is idle. */
  idle: number;
  mode: PresenceMode;
  /** What everyone was last told. */
  shown: PresenceStatus;
  /** Pending "offline" after the last connection left (the grace period). */
  grace: ReturnType<typeof setTimeout> | null;
}

/**
 * Presence from every connection of a user: online while any live connection is active, away while all of
 * them are idle (or the user chose away), offline when none is live — announced only after `graceMs`, so a
 * reconnect (a laptop waking, a network switch) does not flap — or at once when the user chose to appear
 * offline. `invisible` is never shown as anything but offline, whatever the connections do.
 *
 * Ephemeral and per process: it is told about connections by the hub and about modes by the user's own
 * `presence.mode` events; changes go to `announce`, which sends frames.
 */
export class PresenceTracker {
  private readonly users = new Map<string, UserPresence>();

  constructor(
    private readonly announce: (userId: string, status: PresenceStatus) => void,
    private readonly graceMs: number,
  ) {}

  private entry(userId: string): UserPresence {
    let p = this.users.get(userId);
    if (!p) this.users.set(userId, (p = { live: 0, idle: 0, mode: 'auto', shown: 'offline', grace: null }));
    return p;
  }

  /** The user's chosen mode: from their account when a connection authenticates, and from `presence.mode`. */
  setMode(userId: string, mode: PresenceMode): void {
    const p = this.users.get(userId);
    if (!p) {
      if (mode !== 'auto') this.entry(userId).mode = mode;
      return;
    }
    p.mode = mode;
    this.settle(userId, p);
  }

  connected(userId: string, idle: boolean): void {
    const p = this.entry(userId);
    p.live++;
    if (idle) p.idle++;
    this.settle(userId, p);
  }

  disconnected(userId: string, idle: boolean): void {
    const p = this.users.get(userId);
    if (!p || p.live === 0) return;
    p.live--;
    if (idle) p.idle--;
    this.settle(userId, p);
  }

  /** A live connection's person went idle or came back. */
  idleChanged(userId: string, idle: boolean): void {
    const p = this.users.get(userId);
    if (!p || p.live === 0) return;
    p.idle = Math.min(p.live, Math.max(0, p.idle + (idle ? 1 : -1)));
    this.settle(userId, p);
  }

  status(userId: string): PresenceStatus {
    return this.users.get(userId)?.shown ?? 'offline';
  }

  /** Everyone shown as not offline. */
  present(): Array<{ userId: string; status: PresenceStatus }> {
    const out: Array<{ userId: string; status: PresenceStatus }> = [];
    for (const [userId, p] of this.users) if (p.shown !== 'offline') out.push({ userId, status: p.shown });
    return out;
  }

  stop(): void {
    for (const p of this.users.values()) if (p.grace) clearTimeout(p.grace);
    this.users.clear();
  }

  private computed(p: UserPresence): PresenceStatus {
    if (p.live === 0 || p.mode === 'invisible') return 'offline';
    if (p.mode === 'away' || p.idle >= p.live) return 'away';
    return 'online';
  }

  private settle(userId: string, p: UserPresence): void {
    if (p.grace && p.live > 0) {
      clearTimeout(p.grace);
      p.grace = null;
    }
    const next = this.computed(p);
    // The last connection left: wait out the grace period before saying so. Not for a user who chose to be
    // invisible (shown offline already), and not without a grace period.
    if (next === 'offline' && p.live === 0 && p.shown !== 'offline' && this.graceMs > 0) {
      p.grace ??= setTimeout(() => {
        p.grace = null;
        if (p.live === 0) this.show(userId, p, 'offline');
      }, this.graceMs);
      p.grace.unref?.();
      return;
    }
    this.show(userId, p, next);
  }

  private show(userId: string, p: UserPresence, status: PresenceStatus): void {
    if (status !== p.shown) {
      p.shown = status;
      this.announce(userId, status);
    }
    // Nothing left to remember about an offline user in the default mode.
    if (p.live === 0 && p.shown === 'offline' && !p.grace && p.mode === 'auto') this.users.delete(userId);
  }
}
