import type { PresenceMode } from '@open-discord/protocol';
import { isCommunityRoom } from '@open-discord/protocol';
import { memberLines } from '../state/members/member-lines.js';
import { roomLabel } from '../state/rooms/selectors.js';
import type { ControllerContext } from './chat-client.js';
import { realTimers, type Timers } from './timers.js';
import { describeError } from './describe-error.js';

/** No key for this long and the person counts as idle (away to others while all their clients are). */
export const IDLE_AFTER_MS = 10 * 60_000;

export type { Timers } from './timers.js';

export interface Presence {
  /** A key was pressed: active again (and the idle timer restarts). */
  touch(): void;
  /** The member list of the room on screen, as an overlay (asked of the server: it knows who is in a room). */
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
      const roomId = state.currentRoomId;
      if (!roomId || !state.world) return dispatch({ type: 'flash', kind: 'error', text: 'no room to list the members of' });
      const room = state.world.rooms[roomId];
      const label = isCommunityRoom(room?.kind) ? `#${roomLabel(state, roomId)}` : roomLabel(state, roomId);
      client.request('room.members', { roomId }).then(
        ({ userIds }) => {
          const world = store.getState().world;
          if (world) dispatch({ type: 'overlay/help', title: 'members', lines: memberLines(world, label, userIds) });
        },
        (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `members: ${describeError(e)}` }),
      );
    },
    setMode(mode) {
      client.request('presence.set', { mode }).then(
        () => dispatch({ type: 'flash', kind: 'info', text: told[mode] }),
        (e: unknown) => dispatch({ type: 'flash', kind: 'error', text: `presence: ${describeError(e)}` }),
      );
    },
    stop() {
      if (timer !== null) timers.clear(timer);
      timer = null;
    },
  };
}
