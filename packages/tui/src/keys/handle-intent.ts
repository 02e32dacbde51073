import { complete } from '../commands/complete.js';
import type { Intent } from './intents.js';
import type { ChatActions } from '../controllers/index.js';
import { layoutOf } from '../state/layout.js';
import { shownNotice } from '../state/notices/notices.js';
import { switcherResults, unsentDrafts } from '../state/overlay/overlay.js';
import { currentJump } from '../state/search/search.js';
import { currentBoard } from '../state/forum/selectors.js';
import { membersMaxScroll } from '../state/members/selectors.js';
import { pasteParts } from '../state/overlay/paste-parts.js';
import { overlayBodyRows } from '../state/overlay/scroll.js';
import { COMMANDS } from '@open-discord/protocol';
import { selectable, selectedMessage, selecting } from '../state/selection/selection.js';
import type { Store } from '../state/store.js';
import { truncate } from '../wrap/width.js';

/**
 * Turn key intents into store actions and controller calls, depending on what has the keyboard (an overlay or
 * the chat). Pure of Ink: the keys test drives it directly.
 */
export function handleIntent(intent: Intent, store: Store, actions: ChatActions, onQuit: () => void): void {
  const { dispatch } = store;
  const state = store.getState();
  const overlay = state.overlay;
  /** Scroll the open member list (beside the chat or over it) by rows, no further than its end. */
  const scrollMembers = (lines: number) => {
    const l = layoutOf(state);
    // Beside the chat the list runs down past the notice line too (ChatScreen's main height).
    const height = l.membersOverlay ? l.paneHeight : l.paneHeight + l.flashHeight;
    dispatch({ type: 'members/scroll', lines, max: membersMaxScroll(state, height, l.membersOverlay) });
  };
  if (intent.kind === 'quit') {
    // A second Ctrl+C while asking means it.
    if (overlay?.kind === 'quit-confirm' || unsentDrafts(state) === 0) return onQuit();
    return dispatch({ type: 'overlay/quit-confirm' });
  }
  if (overlay?.kind === 'quit-confirm') {
    if (intent.kind === 'insert' && /^y$/i.test(intent.text)) return onQuit();
    if (intent.kind === 'close' || (intent.kind === 'insert' && /^n$/i.test(intent.text))) return dispatch({ type: 'overlay/close' });
    return;
  }
  if (overlay?.kind === 'room-jump') {
    if (intent.kind === 'insert') {
      for (const ch of intent.text) if (/[0-9]/.test(ch) && store.getState().overlay?.kind === 'room-jump') dispatch({ type: 'overlay/room-jump-digit', digit: ch });
      return;
    }
    if (intent.kind === 'submit' && overlay.digits) {
      dispatch({ type: 'overlay/close' });
      return dispatch({ type: 'room/index', index: Number(overlay.digits) - 1 });
    }
    if (intent.kind === 'close' || intent.kind === 'submit') return dispatch({ type: 'overlay/close' });
    return;
  }
  if (overlay?.kind === 'switcher') {
    if (intent.kind === 'close') return dispatch({ type: 'overlay/close' });
    if (intent.kind === 'insert') return dispatch({ type: 'overlay/switcher-query', query: overlay.query + intent.text });
    if (intent.kind === 'backspace') return dispatch({ type: 'overlay/switcher-query', query: overlay.query.slice(0, -1) });
    if (intent.kind === 'history') return dispatch({ type: 'overlay/switcher-move', delta: intent.delta });
    if (intent.kind === 'complete') return dispatch({ type: 'overlay/switcher-move', delta: 1 });
    if (intent.kind === 'submit') {
      const room = switcherResults(state)[overlay.selected];
      return dispatch(room ? { type: 'room/select', roomId: room.id } : { type: 'overlay/close' });
    }
    return;
  }
  if (overlay?.kind === 'account') {
    // Passwords and codes are typed here, never into the input line (where they would show and be kept).
    if (actions.account) return actions.account.key(intent);
    return dispatch({ type: 'account/close' });
  }
  if (overlay?.kind === 'search') {
    // Up/Down choose a hit, Enter jumps to it, Tab or PgDn at the end loads older hits, Esc closes.
    if (intent.kind === 'close') return dispatch({ type: 'overlay/close' });
    const { hits, selected } = state.search;
    // Down from the last hit loads the older ones, as Tab does.
    if (intent.kind === 'complete' || (intent.kind === 'history' && intent.delta > 0 && selected >= hits.length - 1)) return actions.moreHits();
    if (intent.kind === 'history') return dispatch({ type: 'search/move', delta: intent.delta });
    if (intent.kind === 'scroll') return dispatch({ type: 'search/move', delta: -intent.pages * Math.max(1, layoutOf(state).paneHeight - 3) });
    if (intent.kind === 'submit') return state.search.hits.length ? actions.jumpToHit() : dispatch({ type: 'overlay/close' });
    return;
  }
  if (overlay?.kind === 'inbox') {
    // Up/Down choose an item, Enter goes to it (and marks it read), Esc closes.
    if (intent.kind === 'close' || intent.kind === 'inbox') return dispatch({ type: 'overlay/close' });
    if (intent.kind === 'history') return dispatch({ type: 'inbox/move', delta: intent.delta });
    if (intent.kind === 'scroll') return dispatch({ type: 'inbox/move', delta: -intent.pages * 5 });
    if (intent.kind === 'submit') return actions.inbox ? actions.inbox.jump() : dispatch({ type: 'overlay/close' });
    return;
  }
  if (overlay?.kind === 'posts') {
    // Bookmarks, the feed, a tag search or a profile: Up/Down choose a post, Enter opens it, Esc closes.
    if (intent.kind === 'close') return dispatch({ type: 'overlay/close' });
    if (intent.kind === 'history') return dispatch({ type: 'forum/list-move', delta: intent.delta });
    if (intent.kind === 'submit') return actions.forum ? actions.forum.openListed() : dispatch({ type: 'overlay/close' });
    return;
  }
  if (overlay?.kind === 'finder') {
    // Boards or people: Up/Down choose, Enter goes to the board or opens the person's profile card, Esc closes.
    if (intent.kind === 'close') return dispatch({ type: 'overlay/close' });
    if (intent.kind === 'history') return dispatch({ type: 'forum/finder-move', delta: intent.delta });
    if (intent.kind === 'scroll') return dispatch({ type: 'forum/finder-move', delta: -intent.pages * 5 });
    if (intent.kind === 'submit') return actions.forum ? actions.forum.openFound() : dispatch({ type: 'overlay/close' });
    return;
  }
  if (overlay?.kind === 'help' || overlay?.kind === 'roles') {
    if (intent.kind === 'close' || intent.kind === 'submit') dispatch({ type: 'overlay/close' });
    // Alt+M from another overlay closes it and shows the member list (opening it when it was closed).
    if (intent.kind === 'members') {
      dispatch({ type: 'overlay/close' });
      return store.getState().members ? undefined : actions.members();
    }
    // Long help and role lists scroll: arrows by a row, PgUp/PgDn by a box.
    const page = Math.max(1, overlayBodyRows(layoutOf(state).paneHeight) - 1);
    if (intent.kind === 'history') dispatch({ type: 'overlay/scroll', lines: intent.delta });
    if (intent.kind === 'scroll') dispatch({ type: 'overlay/scroll', lines: -intent.pages * page });
    if (intent.kind === 'scroll-lines') dispatch({ type: 'overlay/scroll', lines: -intent.lines });
    return;
  }
  if (overlay?.kind === 'confirm') {
    // y runs it; n, Esc and Enter (the default is No) cancel; other keys are ignored.
    if (intent.kind === 'insert' && /^y$/i.test(intent.text)) {
      dispatch({ type: 'overlay/close' });
      return actions.runConfirmed(overlay.command);
    }
    if ((intent.kind === 'insert' && /^n$/i.test(intent.text)) || intent.kind === 'close' || intent.kind === 'submit') {
      dispatch({ type: 'overlay/close' });
      dispatch({ type: 'flash', kind: 'info', text: 'cancelled: nothing was changed' });
    }
    return;
  }
  if (overlay?.kind === 'paste') {
    if (intent.kind === 'submit') {
      dispatch({ type: 'overlay/close' });
      dispatch({ type: 'input/set', text: '' });
      const parts = pasteParts(overlay.text);
      if (parts.length <= 1) return actions.submit(overlay.text);
      // Too long for one message: each part is sent as a message of its own (its own nonce), never as a command.
      for (const part of parts) actions.submit(part.startsWith('/') ? `/${part}` : part);
      return;
    }
    if (intent.kind === 'close') {
      dispatch({ type: 'overlay/close' });
      dispatch({ type: 'input/set', text: overlay.text });
    }
    // The rest of a paste the terminal delivered in several chunks.
    if (intent.kind === 'paste' || intent.kind === 'insert') dispatch({ type: 'overlay/paste-more', text: intent.text });
    return;
  }
  if (state.editing && handleEditing(intent, store, actions)) return;
  if (selecting(state) && handleSelecting(intent, store, actions)) return;
  switch (intent.kind) {
    case 'select':
      if (selectable(state).length === 0) return dispatch({ type: 'flash', kind: 'info', text: 'no messages here to select' });
      return dispatch({ type: 'select/enter', start: 'last' });
    case 'submit': {
      const text = state.input.text;
      // Enter on an empty line on a board opens the selected post (its comments in the thread pane).
      if (!text.trim() && !state.thread && !state.forum.composer && currentBoard(state)) return actions.forum?.openSelected();
      // Enter on an empty line in a voice room one is not in joins its voice.
      const here = state.currentRoomId ? state.world?.rooms[state.currentRoomId] : undefined;
      if (!text.trim() && !state.thread && here?.kind === 'voice' && state.voice.roomId !== here.id) return actions.voice?.join();
      // A message goes below the newest ones: reading a search hit far back ends, so it shows where it went.
      if (text.trim() && !text.startsWith('/') && currentJump(state)) dispatch({ type: 'search/leave' });
      if (text.trim()) actions.submit(text);
      return;
    }
    case 'insert':
      return dispatch({ type: 'input/insert', text: intent.text });
    case 'paste': {
      const text = intent.text.replace(/\n$/, '');
      if (!text.includes('\n')) {
        // One line and Enter arriving together is typing, not a paste: send it as if typed.
        dispatch({ type: 'input/insert', text });
        if (intent.text.endsWith('\n')) handleIntent({ kind: 'submit' }, store, actions, onQuit);
        return;
      }
      const { input } = state;
      return dispatch({ type: 'overlay/paste', before: input.text.slice(0, input.cursor), text: intent.text, after: input.text.slice(input.cursor) });
    }
    case 'newline':
      return dispatch({ type: 'input/insert', text: '\n' });
    case 'backspace':
      return dispatch({ type: 'input/backspace' });
    case 'delete':
      return dispatch({ type: 'input/delete' });
    case 'move':
      return dispatch({ type: 'input/move', to: intent.to });
    case 'kill':
      return dispatch({ type: 'input/kill', what: intent.what });
    case 'history':
      // On a board, Up/Down on an empty line choose a post.
      if (state.input.text === '' && !state.thread && !intent.recall && currentBoard(state)) {
        return dispatch({ type: 'forum/move', roomId: state.currentRoomId!, delta: intent.delta });
      }
      // Up on an empty line selects my last message (Up, e edits it); Ctrl+Up recalls the input history.
      if (intent.delta === -1 && !intent.recall && state.input.text === '' && selectable(state).length > 0) {
        return dispatch({ type: 'select/enter', start: 'own-last' });
      }
      return dispatch({ type: 'input/history', delta: intent.delta });
    case 'complete': {
      if (state.input.completion) return dispatch({ type: 'input/complete-next' });
      const c = state.world ? complete(state.world, state.input.text, state.input.cursor) : null;
      if (c) dispatch({ type: 'input/complete', ...c });
      return;
    }
    case 'room-index':
      return dispatch({ type: 'room/index', index: intent.index });
    case 'room-step':
      return dispatch({ type: 'room/step', delta: intent.delta });
    case 'next-activity':
      return dispatch({ type: 'room/next-activity' });
    case 'switcher':
      return dispatch({ type: 'overlay/switcher' });
    case 'room-jump':
      return dispatch({ type: 'overlay/room-jump' });
    case 'members':
      return actions.members();
    case 'inbox':
      return actions.inbox ? actions.inbox.open() : dispatch({ type: 'flash', kind: 'error', text: 'not connected' });
    case 'ptt':
      return actions.voice ? actions.voice.togglePtt() : dispatch({ type: 'flash', kind: 'error', text: 'not connected' });
    case 'thread-also':
      if (!state.thread) return dispatch({ type: 'flash', kind: 'info', text: 'no thread open (/thread opens one)' });
      return dispatch({ type: 'thread/also-in-room' });
    case 'close':
      // A message held as a command's target (after +) is let go too.
      if (state.selection) dispatch({ type: 'select/leave' });
      // Esc gives up a post being written first (its title is kept in the notice).
      if (state.forum.composer) {
        dispatch({ type: 'forum/compose-end' });
        return dispatch({ type: 'flash', kind: 'info', text: `post "${state.forum.composer.title}" not written` });
      }
      // Esc closes the thread pane first (the room's draft comes back), then clears a notice, then scrolls.
      if (state.thread) return dispatch({ type: 'thread/close' });
      // The member list over the messages (a narrow terminal) goes next; beside them it stays until Alt+M.
      if (state.members && layoutOf(state).membersOverlay) return dispatch({ type: 'members/close' });
      if (shownNotice(state)) return dispatch({ type: 'flash/clear' });
      // Reading a search hit: back to the newest messages.
      return dispatch(currentJump(state) ? { type: 'search/leave' } : { type: 'scroll/bottom' });
    case 'members-scroll': {
      // Without a member list open, Alt+PgUp/PgDn scroll what PgUp/PgDn would.
      if (!state.members) return handleIntent({ kind: 'scroll', pages: intent.pages }, store, actions, onQuit);
      return scrollMembers(-intent.pages * Math.max(1, layoutOf(state).paneHeight - 3));
    }
    case 'scroll':
      // A member list over the messages scrolls instead of them (PgDn down the list).
      if (state.members && layoutOf(state).membersOverlay) return scrollMembers(-intent.pages * Math.max(1, layoutOf(state).paneHeight - 3));
      // An open thread has the keyboard, and its own scrollback.
      if (state.thread) return dispatch({ type: 'thread/scroll', lines: intent.pages * Math.max(1, layoutOf(state).paneHeight - 3) });
      return dispatch({ type: 'scroll', lines: intent.pages * Math.max(1, layoutOf(state).paneHeight - 1) });
    case 'scroll-lines':
      if (state.members && layoutOf(state).membersOverlay) return scrollMembers(-intent.lines);
      if (state.thread) return dispatch({ type: 'thread/scroll', lines: intent.lines });
      return dispatch({ type: 'scroll', lines: intent.lines });
    case 'bottom':
      return dispatch(currentJump(state) ? { type: 'search/leave' } : { type: 'scroll/bottom' });
    case 'ruler':
      return dispatch({ type: 'scroll/ruler' });
    case 'retry':
      return actions.retry();
    case 'open-attachment':
      return actions.openAttachment ? actions.openAttachment() : dispatch({ type: 'flash', kind: 'error', text: 'attachments cannot be opened here' });
    case 'reconnect':
      if (state.status.state !== 'offline') return dispatch({ type: 'flash', kind: 'info', text: 'already connected' });
      return actions.reconnect();
  }
}

/** While a message is being edited: Enter saves it, Esc gives up. Returns whether the intent was taken. */
function handleEditing(intent: Intent, store: Store, actions: ChatActions): boolean {
  const { dispatch } = store;
  const state = store.getState();
  const editing = state.editing!;
  if (intent.kind === 'close') {
    dispatch({ type: 'select/edit-end', clear: true });
    dispatch({ type: 'flash', kind: 'info', text: 'edit given up: the message is unchanged' });
    return true;
  }
  if (intent.kind !== 'submit') return false;
  // Typed in another room since: that line is not the edit.
  if (editing.roomId !== state.currentRoomId || !actions.messages) {
    dispatch({ type: 'select/edit-end' });
    return false;
  }
  const text = state.input.text;
  if (!text.trim()) return true;
  actions.messages.edit(editing.messageId, text);
  dispatch({ type: 'select/edit-end', clear: true });
  return true;
}

/** Selection mode's keys (see bindings.ts). Returns whether the intent was taken; any other key leaves the mode. */
function handleSelecting(intent: Intent, store: Store, actions: ChatActions): boolean {
  const { dispatch } = store;
  const state = store.getState();
  const m = selectedMessage(state)!;
  switch (intent.kind) {
    case 'history':
    case 'select-move':
      dispatch({ type: 'select/move', delta: intent.delta });
      return true;
    case 'select':
      return true;
    case 'close':
      dispatch({ type: 'select/leave' });
      return true;
    case 'select-edit':
      if (m.authorId !== state.world?.me.id) {
        dispatch({ type: 'flash', kind: 'error', text: 'you can only edit your own messages' });
        return true;
      }
      dispatch({ type: 'select/edit', roomId: m.roomId, messageId: m.id, text: m.text });
      dispatch({ type: 'flash', kind: 'info', text: 'editing your message: Enter saves, Esc gives up' });
      return true;
    case 'select-delete': {
      const spec = COMMANDS.find((c) => c.name === 'delete' && !c.sub)!;
      const command = { spec, params: { messageId: m.id }, roomId: state.currentRoomId };
      const preview = truncate(m.text.replace(/\s+/g, ' '), 40);
      dispatch({ type: 'overlay/confirm', question: `Delete "${preview}"? Its text is gone for everyone.`, command });
      return true;
    }
    case 'select-react':
      // The emoji is typed in the input line: `/react ` is put there, acting on this message.
      dispatch({ type: 'select/hold' });
      dispatch({ type: 'input/set', text: '/react ' });
      return true;
    case 'select-thread':
    case 'submit': {
      // Enter or `r`: the thread of the selected message (a reply's thread is its root's) opens, ready to reply.
      dispatch({ type: 'select/leave' });
      if (!actions.threads) {
        dispatch({ type: 'flash', kind: 'error', text: 'threads need a connection' });
        return true;
      }
      actions.threads.open(m.roomId, m.threadId ?? m.id);
      return true;
    }
    case 'select-profile':
      dispatch({ type: 'select/leave' });
      if (actions.forum) actions.forum.profile(m.authorId);
      else dispatch({ type: 'flash', kind: 'error', text: 'profiles need a connection' });
      return true;
    case 'select-copy':
      if (actions.messages) actions.messages.copy(m.text);
      else dispatch({ type: 'flash', kind: 'error', text: 'copying needs a terminal' });
      return true;
    default:
      // Anything else (typing, Tab, switching rooms) leaves selection mode and does what it always does.
      dispatch({ type: 'select/leave' });
      return false;
  }
}
