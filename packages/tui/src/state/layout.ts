import type { AppState } from './app-state.js';
import { shownNotice } from './notices/notices.js';

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
}

export const MAX_INPUT_ROWS = 5;

export function layoutOf(state: Pick<AppState, 'layout' | 'input' | 'flash' | 'currentRoomId'>): Layout {
  const cols = Math.max(20, state.layout.cols);
  const rows = Math.max(6, state.layout.rows);
  const sidebarWidth = Math.min(24, Math.max(10, Math.floor(cols / 5)));
  const inputHeight = Math.min(MAX_INPUT_ROWS, state.input.text.split('\n').length);
  const flashHeight = shownNotice(state) ? 1 : 0;
  return {
    cols,
    rows,
    sidebarWidth,
    paneWidth: cols - sidebarWidth - 1,
    paneHeight: Math.max(1, rows - inputHeight - 1 - flashHeight),
    inputHeight,
    flashHeight,
  };
}
