import type { AppState } from '../app-state.js';
import type { Line } from '../../wrap/lines.js';
import { roomLabel } from '../rooms/selectors.js';
import { memberPaneRows } from './member-pane-rows.js';

/** The member list's title and rows for a box `width`×`height` (the title takes a row, an overlay's footer another). */
export function membersPaneView(state: AppState, width: number, height: number, overlay: boolean): { title: string; lines: Line[] } | null {
  const pane = state.members;
  const world = state.world;
  if (!pane || !world) return null;
  const room = world.rooms[pane.roomId];
  const label = room?.kind === 'text' ? `#${roomLabel(state, pane.roomId)}` : roomLabel(state, pane.roomId);
  const count = pane.userIds ? pane.userIds.filter((id) => world.users[id]).length : null;
  const title = `members of ${label}${count === null ? '' : ` (${count})`}`;
  return { title, lines: memberPaneRows(world, pane, width, Math.max(1, height - 1 - (overlay ? 1 : 0))) };
}
