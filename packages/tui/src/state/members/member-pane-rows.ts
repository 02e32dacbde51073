import type { PresenceStatus, PublicUser, World } from '@open-discord/protocol';
import type { Line, Segment } from '../../wrap/lines.js';
import { clip, textWidth } from '../../wrap/width.js';
import { nickColor } from '../roles/nick-color.js';
import { PRESENCE_MARK, presenceOf, topRoleOf } from './presence.js';
import type { MembersPane } from './members-pane.js';

const GROUPS: ReadonlyArray<{ status: PresenceStatus; title: string }> = [
  { status: 'online', title: 'Online' },
  { status: 'away', title: 'Away' },
  { status: 'offline', title: 'Offline' },
];
const MARK_COLOR: Record<PresenceStatus, string> = { online: 'green', away: 'yellow', offline: 'gray' };

/** Segments cut to `width` cells, the last one shortened (the rest of the row is dropped). */
function fit(segments: Segment[], width: number): Segment[] {
  const out: Segment[] = [];
  let used = 0;
  for (const s of segments) {
    if (used >= width) break;
    const w = textWidth(s.text);
    out.push(used + w <= width ? s : { ...s, text: clip(s.text, width - used) });
    used += w;
  }
  return out;
}

interface PaneRow {
  line: Line;
  /** A member's own row (not a heading or a status line): what the "more" counts. */
  member: boolean;
}

/**
 * Every row of the member list, `width` wide: a heading per presence group (online, away, offline) with its
 * count, then its members by nickname, each with the highest role they hold and, under it, their status text.
 * Ids the world does not know (someone removed meanwhile) are left out.
 */
function allRows(world: World, userIds: readonly string[], width: number): PaneRow[] {
  const members = userIds.map((id) => world.users[id]).filter((u): u is PublicUser => u !== undefined);
  const rows: PaneRow[] = [];
  for (const g of GROUPS) {
    const group = members.filter((u) => presenceOf(u) === g.status).sort((a, b) => a.nickname.localeCompare(b.nickname));
    if (!group.length) continue;
    rows.push({ line: { key: `g:${g.status}`, segments: fit([{ text: `${g.title} — ${group.length}`, bold: true, dim: g.status === 'offline' }], width) }, member: false });
    for (const u of group) {
      const role = topRoleOf(world, u);
      const offline = g.status === 'offline';
      const segs: Segment[] = [
        { text: `${PRESENCE_MARK[g.status]} `, color: MARK_COLOR[g.status] },
        { text: u.nickname, color: nickColor(u.id, u.color), bold: u.id === world.me.id, dim: offline },
      ];
      if (role) segs.push({ text: ` ${role.name}`, ...(role.color ? { color: role.color } : { dim: true }) });
      rows.push({ line: { key: `u:${u.id}`, segments: fit(segs, width) }, member: true });
      if (u.statusText) rows.push({ line: { key: `s:${u.id}`, segments: fit([{ text: `  ${u.statusText}`, dim: true, italic: true }], width) }, member: false });
    }
  }
  return rows;
}

/**
 * How far the list can scroll in a box `height` rows high: 0 when it all fits, else the rows that do not
 * fit above the last line, which says what is above and below.
 */
export function memberPaneMaxScroll(world: World, pane: MembersPane, height: number): number {
  if (pane.error || !pane.userIds) return 0;
  const rows = allRows(world, pane.userIds, 1).length;
  return rows <= height ? 0 : rows - Math.max(0, height - 1);
}

/**
 * The member list as rows `width` wide (see allRows). At most `height` rows, from the pane's scroll on: when
 * they do not all fit, the last row says how many members are above and below, and which keys scroll.
 */
export function memberPaneRows(world: World, pane: MembersPane, width: number, height: number): Line[] {
  if (pane.error) return [{ key: 'error', segments: fit([{ text: `! ${pane.error}`, color: 'red' }], width) }];
  if (!pane.userIds) return [{ key: 'loading', segments: [{ text: clip('loading…', width), dim: true }] }];
  const rows = allRows(world, pane.userIds, width);
  if (rows.length <= height) return rows.map((r) => r.line);
  const room = Math.max(0, height - 1);
  const from = Math.min(pane.scroll, rows.length - room);
  const shown = rows.slice(from, from + room);
  const count = (rs: PaneRow[]) => rs.filter((r) => r.member).length;
  const above = count(rows.slice(0, from));
  const below = count(rows.slice(from + room));
  const parts = [...(above > 0 ? [`↑ ${above}`] : []), ...(below > 0 ? [`↓ ${below} more`] : [])];
  const note = `${parts.join(' · ')} · Alt+PgUp/PgDn`;
  return [...shown.map((r) => r.line), { key: 'more', segments: [{ text: clip(note, width), dim: true }] }];
}
