import type { AppState } from '../app-state.js';
import type { Line } from '../../wrap/lines.js';
import { roomLabel } from '../rooms/selectors.js';
import { memberPaneMaxScroll, memberPaneRows } from './member-pane-rows.js';

/** The member list's title and rows for a box `width`×`height` (the title takes a row, an overlay's footer another). */
export function membersPaneView(state: AppState, width: number, height: number, overlay: boolean): { title: string; lines: Line[] } | null {
  const pane = state.members;
  const world = state.world;
  if (!pane || !world) return null;
  const room = world.rooms[pane.roomId];
  const label = room?.kind === 'text' ? `#${roomLabel(state, pane.roomId)}` : roomLabel(state, pane.roomId);
  const count = pane.userIds ? pane.userIds.filter((id) => world.users[id]).length : null;
  const title = `members of ${label}${count === null ? '' : ` (${count})`}`;
  return { title, lines: memberPaneRows(world, pane, width, listHeight(height, overlay)) };
}

/** The rows the list itself gets in a pane `height` high: the title takes one, an overlay's footer another. */
const listHeight = (height: number, overlay: boolean) => Math.max(1, height - 1 - (overlay ? 1 : 0));

/** How far the open member list can scroll in a pane `height` high (0: it fits, or none is open). */
export function membersMaxScroll(state: AppState, height: number, overlay: boolean): number {
  return state.members && state.world ? memberPaneMaxScroll(state.world, state.members, listHeight(height, overlay)) : 0;
}
