import type { AppState } from './app-state.js';
import { MEMBERS_SIDE_MIN_COLS } from './members/members-pane.js';
import { shownNotice } from './notices/notices.js';
import { THREAD_SIDE_MIN_COLS } from './threads/thread-pane.js';

/** Screen geometry, derived from the terminal size and what the bottom rows need. One place, used by the
 * reducer (scroll clamping), the selectors and the components, so they always agree. */
export interface Layout {
  cols: number;
  rows: number;
  sidebarWidth: number;
  paneWidth: number;
  paneHeight: number;
  inputHeight: number;
  flashHeight: number;
  /** The thread pane beside the messages (0 when none is open, or when it covers them on a narrow terminal). */
  threadWidth: number;
  /** A thread is open over the messages (the terminal is too narrow to put it beside them). */
  threadOverlay: boolean;
  /** The member list at the right edge (0 when it is closed, or when it covers the messages). */
  membersWidth: number;
  /** The member list is open over the messages (the terminal is too narrow to put it beside them). */
  membersOverlay: boolean;
}

export const MAX_INPUT_ROWS = 5;

export function layoutOf(state: Pick<AppState, 'layout' | 'input' | 'flash' | 'currentRoomId'> & Partial<Pick<AppState, 'thread' | 'members'>>): Layout {
  const cols = Math.max(20, state.layout.cols);
  const rows = Math.max(6, state.layout.rows);
  const sidebarWidth = Math.min(24, Math.max(10, Math.floor(cols / 5)));
  const inputHeight = Math.min(MAX_INPUT_ROWS, state.input.text.split('\n').length);
  const flashHeight = shownNotice(state) ? 1 : 0;
  const membersOpen = !!state.members;
  const membersSide = membersOpen && cols >= MEMBERS_SIDE_MIN_COLS;
  // The member list is narrow: a nickname, a role and a dot; it never takes more than a fifth of the screen.
  const membersWidth = membersSide ? Math.min(26, Math.max(16, Math.floor(cols / 5))) : 0;
  const open = !!state.thread;
  const side = open && cols >= THREAD_SIDE_MIN_COLS;
  const rest = cols - sidebarWidth - 1 - (membersSide ? membersWidth + 1 : 0);
  // Beside the messages, the thread takes a little under half of the room's width (and a rule between).
  const threadWidth = side ? Math.floor(rest * 0.45) : 0;
  return {
    cols,
    rows,
    sidebarWidth,
    paneWidth: rest - (side ? threadWidth + 1 : 0),
    threadWidth,
    threadOverlay: open && !side,
    membersWidth,
    membersOverlay: membersOpen && !membersSide,
    paneHeight: Math.max(1, rows - inputHeight - 1 - flashHeight),
    inputHeight,
    flashHeight,
  };
}
