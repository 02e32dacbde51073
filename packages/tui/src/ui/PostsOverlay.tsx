import { Box, Text } from 'ink';
import type { CardView, PostRow } from '../state/forum/selectors.js';
import { clip } from '../wrap/width.js';
import { PostRows } from './PostRows.js';

export interface PostsOverlayProps {
  title: string;
  status: 'loading' | 'done' | 'failed';
  card: CardView | null;
  rows: PostRow[];
  selected: number;
  width: number;
  height: number;
}

/** Rows the card takes above the posts: the taller of picture and text, and the heading. */
export function cardHeight(card: CardView | null): number {
  if (!card) return 0;
  return Math.max(card.avatar.length || card.initials.length, card.lines.length) + 1;
}

/** Bookmarks, the following feed, a tag search or a profile card with recent posts: Up/Down, Enter, Esc. */
export function PostsOverlay({ title, status, card, rows, selected, width, height }: PostsOverlayProps) {
  const inner = Math.max(1, width - 2);
  const fits = Math.max(1, Math.floor((height - 4 - cardHeight(card)) / 2));
  const footer = status === 'loading' ? 'loading…' : rows.length === 0 ? (status === 'failed' ? 'failed' : 'no posts') : 'Up/Down choose · Enter open · Esc close';
  const textWidth = card ? Math.max(1, inner - card.avatarWidth - 2) : inner;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text wrap="truncate" color="cyan">
        {clip(title, inner)}
      </Text>
      {card && (
        <Box flexDirection="row" flexShrink={0}>
          <Box flexDirection="column" width={card.avatarWidth} flexShrink={0}>
            {card.avatar.map((segments, i) => (
              <Text key={`a${i}`}>
                {segments.map((s, k) => (
                  <Text key={k} {...(s.color && { color: s.color })} {...(s.bg && { backgroundColor: s.bg })}>
                    {s.text}
                  </Text>
                ))}
              </Text>
            ))}
            {card.avatar.length === 0 &&
              card.initials.map((line, i) => (
                <Text key={`i${i}`} color="cyan">
                  {line}
                </Text>
              ))}
          </Box>
          <Box flexDirection="column" marginLeft={2} width={textWidth}>
            {card.lines.map((line, i) => (
              <Text key={`c${i}`} wrap="truncate" {...(i === 0 && { bold: true })}>
                {line ? clip(line, textWidth) : ' '}
              </Text>
            ))}
          </Box>
        </Box>
      )}
      {card && (
        <Text dimColor wrap="truncate">
          {clip(card.heading, inner)}
        </Text>
      )}
      <PostRows rows={rows} selected={selected} width={inner} fits={fits} />
      <Box flexGrow={1} />
      <Text dimColor wrap="truncate">
        {clip(footer, inner)}
      </Text>
    </Box>
  );
}
