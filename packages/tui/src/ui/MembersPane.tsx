import { Box, Text } from 'ink';
import type { Line } from '../wrap/lines.js';
import { clip } from '../wrap/width.js';
import { Row } from './Row.js';

export interface MembersPaneProps {
  title: string;
  lines: Line[];
  width: number;
  height: number;
  /** Over the messages (a narrow terminal): say how to close it. */
  overlay: boolean;
}

/** The member list of the room on screen, beside the chat (or over it on a narrow terminal). */
export function MembersPane({ title, lines, width, height, overlay }: MembersPaneProps) {
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate">
        {clip(title, width)}
      </Text>
      {lines.map((line) => (
        <Row key={line.key} line={line} />
      ))}
      <Box flexGrow={1} />
      {overlay ? (
        <Text dimColor wrap="truncate">
          {clip('PgUp/PgDn scroll · Alt+M or Esc closes', width)}
        </Text>
      ) : null}
    </Box>
  );
}
