import { Box, Text } from 'ink';
import type { Line } from '../wrap/lines.js';
import { clip } from '../wrap/width.js';
import { MessagePane } from './MessagePane.js';

export interface ThreadPaneProps {
  title: string;
  lines: Line[];
  alsoInRoom: boolean;
  scrolled: boolean;
  width: number;
  height: number;
}

/** A thread beside (or over) the room: its title, the root and replies, and the "also send to room" toggle. */
export function ThreadPane({ title, lines, alsoInRoom, scrolled, width, height }: ThreadPaneProps) {
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">
        {clip(title, width)}
      </Text>
      <MessagePane lines={lines} width={width} height={Math.max(1, height - 2)} newBelow={0} scrolled={scrolled} />
      <Text dimColor wrap="truncate">
        {clip(`[${alsoInRoom ? 'x' : ' '}] also send to room (Alt+T) · Esc closes`, width)}
      </Text>
    </Box>
  );
}
