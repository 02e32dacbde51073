import { helpLinesAsRows } from '../../commands/help-rows.js';
import type { Line } from '../../wrap/lines.js';
import type { AppState } from '../app-state.js';
import { layoutOf } from '../layout.js';
import { roleListLines } from '../roles/role-lines.js';
import { roleRows } from '../roles/roles.js';

/** Rows of text a boxed overlay shows at once: the pane less its border (2), title (1) and footer (1). */
export const overlayBodyRows = (paneHeight: number): number => Math.max(1, paneHeight - 4);

/** The rows of the scrollable overlay on screen (/help, /role list), at the pane's width; [] for others. */
export function overlayRows(state: AppState): Line[] {
  const o = state.overlay;
  const inner = Math.max(1, layoutOf(state).paneWidth - 2);
  if (o?.kind === 'help') return helpLinesAsRows(o.lines);
  if (o?.kind === 'roles') return roleListLines(roleRows(state.world), inner);
  return [];
}

/** The furthest the overlay can scroll: its last row at the bottom of the box. */
export function maxOverlayScroll(state: AppState): number {
  return Math.max(0, overlayRows(state).length - overlayBodyRows(layoutOf(state).paneHeight));
}
