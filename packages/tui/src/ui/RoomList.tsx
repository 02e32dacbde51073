import { Box, Text } from 'ink';
import type { RoomGroup } from '../state/rooms/selectors.js';
import { voiceMarker, type VoiceRow } from '../state/voice/selectors.js';
import { fit, truncate } from '../wrap/width.js';

export interface RoomListProps {
  groups: RoomGroup[];
  /** A room's unread and mention counts. */
  counts: (roomId: string) => { unread: number; mentions: number } | undefined;
  /** A room's followed threads' unread (by their levels), drawn as a second badge. */
  threads?: (roomId: string) => { count: number; mentions: number };
  currentRoomId: string | null;
  label: (roomId: string) => string;
  /** Muted, or set to ring for nothing: drawn dimmed (its count stays exact). */
  quiet?: (roomId: string) => boolean;
  /** A voice room's participants (drawn under it, with speaking markers); absent or empty for other rooms. */
  voice?: (roomId: string) => readonly VoiceRow[] | null;
  width: number;
  height: number;
}

type Item =
  | { key: string; kind: 'header'; text: string }
  | { key: string; kind: 'room'; id: string; index: number }
  | { key: string; kind: 'voice'; row: VoiceRow };

/** Rooms grouped by category: `#name`, unread count on the right, `@` for mentions, current room inverted. */
export function RoomList({ groups, counts, threads, currentRoomId, label, quiet, voice, width, height }: RoomListProps) {
  const items: Item[] = [];
  let index = 0;
  // Rooms 10 and up are numbered too (Alt+J and two digits reaches them); the column widens only then.
  const numWidth = groups.reduce((n, g) => n + g.rooms.length, 0) > 9 ? 2 : 1;
  for (const g of groups) {
    if (g.name !== null) items.push({ key: `g:${g.id}`, kind: 'header', text: g.name.toUpperCase() });
    for (const r of g.rooms) {
      items.push({ key: r.id, kind: 'room', id: r.id, index: index++ });
      for (const row of voice?.(r.id) ?? []) items.push({ key: `${r.id}:${row.userId}`, kind: 'voice', row });
    }
  }
  // Keep the current room in view when the list is taller than the screen.
  const at = items.findIndex((i) => i.kind === 'room' && i.id === currentRoomId);
  const start = at >= height ? at - height + 1 : 0;
  const shown = items.slice(start, start + height);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {shown.map((item) => {
        if (item.kind === 'header') {
          return (
            <Text key={item.key} dimColor bold wrap="truncate">
              {truncate(item.text, width)}
            </Text>
          );
        }
        if (item.kind === 'voice') {
          // Who is in the voice room, under it: ◉ speaking, ○ quiet, × muted, ⊘ deafened.
          const r = item.row;
          return (
            <Text key={item.key} wrap="truncate" color={r.speaking ? 'green' : undefined} dimColor={!r.speaking}>
              {truncate(`${' '.repeat(numWidth + 2)}${voiceMarker(r)} ${r.nick}`, width)}
            </Text>
          );
        }
        const view = counts(item.id);
        const unread = view?.unread ?? 0;
        const mention = (view?.mentions ?? 0) > 0;
        const current = item.id === currentRoomId;
        const dim = quiet?.(item.id) === true;
        const t = threads?.(item.id);
        // Unread in followed threads: `↳N` (`↳@N` when one mentions you), after the room's own count.
        const threadBadge = t && t.count > 0 ? ` ↳${t.mentions > 0 ? '@' : ''}${t.count > 999 ? '999+' : t.count}` : '';
        const badge = (unread > 0 ? ` ${mention ? '@' : ''}${unread > 999 ? '999+' : unread}` : '') + threadBadge;
        const num = item.index < 99 ? `${item.index + 1}`.padStart(numWidth) : ' '.repeat(numWidth);
        const name = fit(`${num} #${label(item.id)}`, Math.max(1, width - badge.length));
        return (
          <Text key={item.key} wrap="truncate" inverse={current} bold={unread > 0 && !current && !dim} dimColor={dim && !current}>
            {name}
            <Text color={mention ? 'red' : 'green'}>{badge}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
