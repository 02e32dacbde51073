import type { ClientEvent } from '@open-discord/protocol';
import { activityRows } from '../../wrap/activity-lines.js';
import type { AppState } from '../app-state.js';
import { layoutOf } from '../layout.js';
import { describeEvent, type ActivityLine } from './describe.js';

/** Lines kept per room: what happened lately, not a log (the server's event log is that). */
export const ACTIVITY_MAX = 200;

export type ActivityState = Readonly<Record<string, readonly ActivityLine[]>>;

/**
 * After an event was folded into the world (`prev` → `next`): its line, if it tells something, is added to
 * each room it belongs in, in order, once (a replayed event has the same id).
 */
export function recordActivity(prev: AppState, next: AppState, event: ClientEvent): AppState {
  if (!prev.world || !next.world) return next;
  const h = describeEvent(prev.world, next.world, event);
  if (!h || h.roomIds.length === 0) return next;
  const activity: Record<string, readonly ActivityLine[]> = { ...next.activity };
  for (const roomId of h.roomIds) {
    const list = activity[roomId] ?? [];
    if (list.some((l) => l.id === h.line.id)) continue;
    const merged = [...list, h.line].sort((a, b) => a.order - b.order);
    activity[roomId] = merged.length > ACTIVITY_MAX ? merged.slice(merged.length - ACTIVITY_MAX) : merged;
  }
  // A reader scrolled up in the room keeps the rows they look at in place, as for a new message.
  const here = next.currentRoomId;
  const pane = here ? next.views[here] : undefined;
  if (here && pane && pane.scroll > 0 && h.roomIds.includes(here)) {
    const rows = activityRows(h.line, layoutOf(next).paneWidth).length;
    return { ...next, activity, views: { ...next.views, [here]: { ...pane, scroll: pane.scroll + rows } } };
  }
  return { ...next, activity };
}
