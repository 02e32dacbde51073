import { Box, Text } from 'ink';
import type { Line } from '../wrap/lines.js';
import { wrapText } from '../wrap/wrap-text.js';
import { Row } from './Row.js';

export interface MessagePaneProps {
  lines: Line[];
  width: number;
  height: number;
  /** Messages below the view while scrolled up. */
  newBelow: number;
  scrolled: boolean;
  /** A one-line hint under the messages (an empty first screen), or null. */
  hint?: string | null;
}

/** Only the visible, pre-wrapped rows; bottom-aligned like every chat, with "N new ↓" when scrolled up. */
export function MessagePane({ lines, width, height, newBelow, scrolled, hint = null }: MessagePaneProps) {
  const indicator = scrolled ? (newBelow > 0 ? ` ${newBelow} new ↓ ` : ' more ↓ ') : null;
  const hintRows = hint ? wrapText(hint, width) : [];
  const reserved = hintRows.length + (indicator ? 1 : 0);
  const rows = reserved ? lines.slice(Math.max(0, lines.length - Math.max(0, height - reserved))) : lines;
  return (
    <Box flexDirection="column" width={width} height={height} justifyContent="flex-end" overflow="hidden">
      {rows.map((line) => (
        <Row key={line.key} line={line} />
      ))}
      {hintRows.map((r, i) => (
        <Text key={`hint${i}`} color="cyan" wrap="truncate">
          {r}
        </Text>
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
