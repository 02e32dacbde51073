import { addHistory, addMessage, applyEvent, applyPresence, applyPresenceAll, applySnapshot, markRead } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import { recordActivity } from '../activity/activity.js';
import type { AppState } from '../app-state.js';
import { placeAtRuler } from '../messages/anchor.js';
import { messageArrived, panesAfterSnapshot } from '../messages/reducer.js';
import { emptyPane } from '../messages/view.js';
import { followRooms } from '../rooms/follow.js';
import { forumFollowsEvent } from '../forum/forum.js';
import { typingStopped } from '../typing/typing.js';
import { voiceLeft } from '../voice/voice.js';
import { membersFollow } from '../members/members-pane.js';
import { cleanEvent, cleanMessage, cleanState } from './intake.js';

/**
 * The terminal keeps every message it has loaded (scrolling back loads older pages, which must stay), so its
 * world is unbounded; bots keep the protocol's default window.
 */
const KEEP_ALL = Number.POSITIVE_INFINITY;

/**
 * Everything that changes the world goes through the protocol package's world model, after the wire text is
 * cleaned (intake.ts). What the screen keeps beside it follows: panes, pending sends, typing, notices, and the
 * current room (rooms/follow.ts).
 */
export function worldReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'snapshot': {
      const world = applySnapshot(state.world, cleanState(action.state), action.reason, state.world?.maxMessagesPerRoom ?? KEEP_ALL);
      const next: AppState = { ...state, world };
      return followRooms(state, { ...next, views: panesAfterSnapshot(next, action.reason) }, { kind: 'snapshot', reason: action.reason });
    }
    case 'event': {
      // Before the first snapshot there is nothing to fold into (the client always sends one first).
      if (!state.world) return state;
      const event = cleanEvent(action.event);
      let next: AppState = membersFollow(recordActivity(state, { ...state, world: applyEvent(state.world, event) }, event), event);
      if (event.type === 'message.created') {
        const m = event.data.message;
        next = typingStopped(messageArrived(state, next, m), m.roomId, m.authorId);
      }
      next = forumFollowsEvent(next, event);
      if (event.type === 'voice.left') next = voiceLeft(next, event.data.roomId, event.data.userId);
      return followRooms(state, next, { kind: 'event', event });
    }
    case 'send/confirmed': {
      // The reply can beat the echo: apply the message now; the echo then finds it and changes nothing.
      if (!state.world) return state;
      const m = cleanMessage(action.message);
      return messageArrived(state, { ...state, world: addMessage(state.world, m) }, m);
    }
    case 'presence':
      return state.world ? { ...state, world: applyPresence(state.world, action.userId, action.online, action.status) } : state;
    case 'presence/all':
      return state.world ? { ...state, world: applyPresenceAll(state.world, action.users) } : state;
    case 'read/local':
      return state.world ? { ...state, world: markRead(state.world, action.roomId, action.order) } : state;
    case 'history/loaded': {
      if (!state.world?.rooms[action.roomId]) return state;
      const page = action.messages.map(cleanMessage);
      const pane = state.views[action.roomId] ?? emptyPane();
      let reloaded = pane.reloaded;
      if (reloaded && reloaded.before === null) {
        // The first page after a reload marks where the reloaded history begins.
        reloaded = { before: page.length ? Math.min(...page.map((m) => m.order)) : null };
      }
      const next: AppState = {
        ...state,
        world: addHistory(state.world, action.roomId, page, action.end),
        views: { ...state.views, [action.roomId]: { ...pane, loading: false, reloaded } },
      };
      return action.roomId === state.currentRoomId ? placeAtRuler(next) : next;
    }
    default:
      return state;
  }
}
