import type { PresenceMode } from '@open-discord/protocol';
import type { ControllerContext } from './chat-client.js';
import { realTimers, type Timers } from './timers.js';
import { describeError } from './describe-error.js';

/** No key for this long and the person counts as idle (away to others while all their clients are). */
export const IDLE_AFTER_MS = 10 * 60_000;

export type { Timers } from './timers.js';

export interface Presence {
  /** A key was pressed: active again (and the idle timer restarts). */
  touch(): void;
  /**
   * Open or close the member list of the room on screen (asked of the server: it knows who is in a room).
   * While it is open it follows the room on screen, and is asked again after a reconnect or a newcomer.
   */
  members(): void;
  /** `/away`, `/back`, `/invisible`. */
  setMode(mode: PresenceMode): void;
  stop(): void;
}

/**
 * The presence controller: tells the server when the person at this terminal goes idle and comes back,
 * sets the chosen mode, and shows the current room's members with their presence.
 */
export function attachPresence({ client, store }: ControllerContext, timers: Timers = realTimers, idleAfterMs = IDLE_AFTER_MS): Presence {
  const { dispatch } = store;
  let idle = false;
  let timer: unknown = null;
  const arm = () => {
    if (timer !== null) timers.clear(timer);
    timer = timers.set(() => {
      timer = null;
      idle = true;
      client.setIdle(true);
    }, idleAfterMs);
  };
  arm();

  const load = (roomId: string) => {
    dispatch({ type: 'members/open', roomId });
    client.request('room.members', { roomId }).then(
      ({ userIds }) => dispatch({ type: 'members/loaded', roomId, userIds }),
      (e: unknown) => dispatch({ type: 'members/failed', roomId, error: `members: ${describeError(e)}` }),
    );
  };
  // The open list follows the room on screen; after a reconnect, or when someone new signs up (newcomers are
  // put in the default rooms without a room.joined), the server is asked again.
  const unsubscribe = store.subscribe((next, prev) => {
    const pane = next.members;
    if (!pane || !next.currentRoomId) return;
    const moved = pane.roomId !== next.currentRoomId;
    const back = next.status.state === 'live' && prev.status.state !== 'live';
    const newcomer = next.world !== prev.world && !!next.world && !!prev.world && next.world.users !== prev.world.users && Object.keys(next.world.users).some((id) => !prev.world!.users[id]);
    if (moved || back || newcomer) load(next.currentRoomId);
  });

  const told: Record<PresenceMode, string> = {
    auto: 'you are shown online (away when idle)',
    away: 'you are shown away (/back undoes it)',
    invisible: 'you appear offline to everyone (/back undoes it)',
  };

  return {
    touch() {
      if (idle) {
        idle = false;
        client.setIdle(false);
      }
      arm();
    },
    members() {
      const state = store.getState();
      if (state.members) return dispatch({ type: 'members/close' });
      const roomId = state.currentRoomId;
      if (!roomId || !state.world) return dispatch({ type: 'flash', kind: 'error', text: 'no room to list the members of' });
      load(roomId);
    },
    setMode(mode) {
      client.request('presence.set', { mode }).then(
        () => dispatch({ type: 'flash', kind: 'info', text: told[mode] }),
        (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `presence: ${describeError(e)}` }),
      );
    },
    stop() {
      unsubscribe();
      if (timer !== null) timers.clear(timer);
      timer = null;
    },
  };
}
