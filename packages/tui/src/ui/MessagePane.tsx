import { Box, Text } from 'ink';
import type { Line } from '../wrap/lines.js';
import { Row } from './Row.js';

export interface MessagePaneProps {
  lines: Line[];
  width: number;
  height: number;
  /** Messages below the view while scrolled up. */
  newBelow: number;
  scrolled: boolean;
}

/** Only the visible, pre-wrapped rows; bottom-aligned like every chat, with "N new ↓" when scrolled up. */
export function MessagePane({ lines, width, height, newBelow, scrolled }: MessagePaneProps) {
  const indicator = scrolled ? (newBelow > 0 ? ` ${newBelow} new ↓ ` : ' more ↓ ') : null;
  const rows = indicator ? lines.slice(Math.max(0, lines.length - (height - 1))) : lines;
  return (
    <Box flexDirection="column" width={width} height={height} justifyContent="flex-end" overflow="hidden">
      {rows.map((line) => (
        <Row key={line.key} line={line} />
      ))}
      {indicator && (
        <Box justifyContent="flex-end" width={width}>
          <Text inverse color={newBelow > 0 ? 'yellow' : undefined}>
            {indicator}
          </Text>
        </Box>
      )}
    </Box>
  );
}
