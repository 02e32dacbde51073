import { isPixelMode } from '../../images/mode.js';
import { wrapText } from '../../wrap/wrap-text.js';
import type { AppState } from '../app-state.js';
import { layoutOf } from '../layout.js';
import { visiblePane } from '../messages/selectors.js';
import { paneHint } from '../notices/hint.js';

/** A picture on screen: its thumbnail, its size in cells, and the screen cell of its top left (0-based). */
export interface Placement {
  fileId: string;
  cols: number;
  rows: number;
  row: number;
  col: number;
  /** All of its rows are on screen (sixel and iTerm2 draw only these; kitty draws any part). */
  whole: boolean;
}

/**
 * Where the pictures of the message pane are on the screen ChatScreen draws from `state`: the same rows as
 * MessagePane (bottom-aligned, with the hint and the "new ↓" row under them), offset by the room list and
 * its rule. None while anything covers the messages (an overlay, a narrow thread or member list).
 */
export function imagePlacements(state: AppState, now?: number): Placement[] {
  if (!isPixelMode(state.images.mode) || state.overlay) return [];
  const l = layoutOf(state);
  if ((state.thread && l.threadOverlay) || (state.members && l.membersOverlay)) return [];
  const pane = visiblePane(state, now);
  const hint = paneHint(state);
  const reserved = (hint ? wrapText(hint, l.paneWidth).length : 0) + (pane.scroll > 0 ? 1 : 0);
  const room = Math.max(0, l.paneHeight - reserved);
  const rows = reserved ? pane.lines.slice(Math.max(0, pane.lines.length - room)) : pane.lines;
  const top = room - rows.length;
  const out: Placement[] = [];
  const seen = new Set<string>();
  rows.forEach((line, i) => {
    const m = line.image;
    if (!m) return;
    const key = `${m.fileId}:${line.key.slice(0, line.key.lastIndexOf('i'))}`;
    if (seen.has(key)) return;
    seen.add(key);
    // The picture's top row on screen, even when it is above the pane (its first rows scrolled off).
    const row = top + i - m.row;
    out.push({ fileId: m.fileId, cols: m.cols, rows: m.rows, row, col: l.sidebarWidth + 1 + m.col, whole: row >= 0 && row + m.rows <= room });
  });
  return out;
}
