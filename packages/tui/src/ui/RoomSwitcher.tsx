import { Box, Text } from 'ink';
import type { Room } from '@open-discord/protocol';
import { fit } from '../wrap/width.js';

export interface RoomSwitcherProps {
  query: string;
  results: Room[];
  selected: number;
  label: (room: Room) => string;
  unread: (roomId: string) => number;
  /** Rooms one is not in are offered too, marked (going there previews them). */
  joined: (roomId: string) => boolean;
  width: number;
  height: number;
}

/** Ctrl+K: type to filter rooms (fuzzy), Up/Down to choose, Enter to go, Esc to close. */
export function RoomSwitcher({ query, results, selected, label, unread, joined, width, height }: RoomSwitcherProps) {
  const shown = results.slice(0, Math.max(0, height - 3));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text wrap="truncate">
        <Text color="cyan">go to room › </Text>
        {query}
        <Text inverse> </Text>
      </Text>
      {shown.length === 0 ? <Text dimColor>no room matches</Text> : null}
      {shown.map((r, i) => {
        const n = unread(r.id);
        return (
          <Text key={r.id} inverse={i === selected} wrap="truncate">
            {fit(`#${label(r)}${n ? `  (${n})` : ''}${joined(r.id) ? '' : '  (not joined)'}`, Math.max(1, width - 2))}
          </Text>
        );
      })}
    </Box>
  );
}
