import { Box, Text } from 'ink';
import type { PostRow } from '../state/forum/selectors.js';
import type { Segment } from '../wrap/lines.js';
import { clip } from '../wrap/width.js';
import { PostRows } from './PostRows.js';

export interface PostsOverlayProps {
  title: string;
  status: 'loading' | 'done' | 'failed';
  /** A profile card above the posts (`/whois`): its text lines, and the avatar's half-block rows. */
  card: string[];
  avatar: Segment[][];
  rows: PostRow[];
  selected: number;
  width: number;
  height: number;
}

/** Bookmarks, the following feed, a tag search or a profile card with recent posts: Up/Down, Enter, Esc. */
export function PostsOverlay({ title, status, card, avatar, rows, selected, width, height }: PostsOverlayProps) {
  const inner = Math.max(1, width - 2);
  const top = card.length + avatar.length;
  const fits = Math.max(1, Math.floor((height - 4 - top) / 2));
  const footer = status === 'loading' ? 'loading…' : rows.length === 0 ? (status === 'failed' ? 'failed' : 'no posts') : 'Up/Down choose · Enter open · Esc close';
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text wrap="truncate" color="cyan">
        {clip(title, inner)}
      </Text>
      {avatar.map((segments, i) => (
        <Text key={`a${i}`}>
          {segments.map((s, k) => (
            <Text key={k} {...(s.color && { color: s.color })} {...(s.bg && { backgroundColor: s.bg })}>
              {s.text}
            </Text>
          ))}
        </Text>
      ))}
      {card.map((line, i) => (
        <Text key={`c${i}`} wrap="truncate">
          {clip(line, inner)}
        </Text>
      ))}
      <PostRows rows={rows} selected={selected} width={inner} fits={fits} />
      <Box flexGrow={1} />
      <Text dimColor wrap="truncate">
        {clip(footer, inner)}
      </Text>
    </Box>
  );
}
