import { Box, Text } from 'ink';
import type { PostRow } from '../state/forum/selectors.js';
import { clip } from '../wrap/width.js';
import { PostRows } from './PostRows.js';

export interface BoardPaneProps {
  title: string;
  status: 'loading' | 'done' | 'failed' | null;
  rows: PostRow[];
  selected: number;
  width: number;
  height: number;
}

/** A forum room: its posts instead of a message list (Up/Down choose, Enter opens the post and its comments). */
export function BoardPane({ title, status, rows, selected, width, height }: BoardPaneProps) {
  const fits = Math.max(1, Math.floor((height - 2) / 2));
  const footer =
    status === 'loading' || status === null
      ? 'loading posts…'
      : rows.length === 0
        ? status === 'failed' ? 'could not load the board' : 'no posts yet: /post TITLE writes one'
        : 'Up/Down choose · Enter open · /post TITLE · /sort latest|newest · /tag #tag';
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate" color="cyan">
        {clip(title, width)}
      </Text>
      <PostRows rows={rows} selected={selected} width={width} fits={fits} />
      <Box flexGrow={1} />
      <Text dimColor wrap="truncate">
        {clip(footer, width)}
      </Text>
    </Box>
  );
}
