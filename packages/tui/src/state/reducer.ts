import type { Action } from './actions.js';
import type { AppState } from './app-state.js';
import { chatsReducer } from './chats/peek.js';
import { connectionReducer } from './connection/reducer.js';
import { inputReducer } from './input/reducer.js';
import { messagesReducer } from './messages/reducer.js';
import { noticesReducer } from './notices/notices.js';
import { overlayReducer } from './overlay/overlay.js';
import { prefsReducer } from './prefs/prefs.js';
import { roomsReducer } from './rooms/reducer.js';
import { selectionReducer } from './selection/selection.js';
import { threadsReducer } from './threads/thread-pane.js';
import { membersReducer } from './members/members-pane.js';
import { imagesReducer } from './images/images.js';
import { searchReducer } from './search/search.js';
import { accountReducer } from './account/account.js';
import { forumReducer } from './forum/forum.js';
import { inboxReducer } from './inbox/inbox.js';
import { typingReducer } from './typing/typing.js';
import { voiceReducer } from './voice/voice.js';
import { worldReducer } from './world/reducer.js';

export { initialState } from './app-state.js';

type SliceReducer = (state: AppState, action: Action) => AppState;

/** Which feature's reducer handles an action: by the action's prefix, or by name for the world's actions. */
const BY_PREFIX: Record<string, SliceReducer> = {
  input: inputReducer,
  overlay: overlayReducer,
  room: roomsReducer,
  scroll: messagesReducer,
  history: messagesReducer,
  send: messagesReducer,
  flash: noticesReducer,
  status: connectionReducer,
  lag: connectionReducer,
  typing: typingReducer,
  prefs: prefsReducer,
  select: selectionReducer,
  chats: chatsReducer,
  thread: threadsReducer,
  members: membersReducer,
  images: imagesReducer,
  search: searchReducer,
  account: accountReducer as SliceReducer,
  forum: forumReducer,
  inbox: inboxReducer,
  voice: voiceReducer,
};
/** Actions that change the world; worldReducer then lets the other slices follow. */
const WORLD = new Set<Action['type']>(['snapshot', 'event', 'presence', 'presence/all', 'read/local', 'history/loaded', 'send/confirmed']);

/** The root reducer: pure, and the only way the TUI's state changes. */
export function reducer(state: AppState, action: Action): AppState {
  if (WORLD.has(action.type)) return worldReducer(state, action);
  if (action.type === 'resize') return { ...state, layout: { cols: action.cols, rows: action.rows } };
  const slice = BY_PREFIX[action.type.split('/')[0]!];
  return slice ? slice(state, action) : state;
}
