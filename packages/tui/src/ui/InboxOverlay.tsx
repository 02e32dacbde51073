import { Box, Text } from 'ink';
import type { InboxRow } from '../state/inbox/inbox.js';
import { clip } from '../wrap/width.js';

export interface InboxOverlayProps {
  status: 'idle' | 'loading' | 'done' | 'failed';
  rows: InboxRow[];
  unread: number;
  selected: number;
  width: number;
  height: number;
}

/** /inbox: each item as who did what where (unread ones marked) over its excerpt; Up/Down, Enter, Esc. */
export function InboxOverlay({ status, rows, unread, selected, width, height }: InboxOverlayProps) {
  const inner = Math.max(1, width - 2);
  // Two rows an item, below a title and above a footer, inside the border.
  const fits = Math.max(1, Math.floor((height - 4) / 2));
  const first = Math.min(Math.max(0, selected - fits + 1), Math.max(0, rows.length - fits));
  const shown = rows.slice(first, first + fits);
  const footer =
    status === 'loading' || status === 'idle'
      ? 'loading…'
      : rows.length === 0
        ? status === 'failed'
          ? 'inbox failed to load'
          : 'nothing yet: mentions, replies and comments, posts of people you follow land here'
        : 'Up/Down choose · Enter go there · /inbox all marks all read · Esc close';
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text wrap="truncate" color="cyan">
        {clip(`inbox › ${unread} unread`, inner)}
      </Text>
      {shown.map((r, i) => {
        const at = first + i === selected;
        return (
          <Box key={r.id} flexDirection="column">
            <Text wrap="truncate" inverse={at} bold={!r.read}>
              {clip(`${r.read ? '  ' : '● '}${r.head}`, inner)}
            </Text>
            <Text wrap="truncate" dimColor>
              {clip(`  ${r.excerpt}`, inner)}
            </Text>
          </Box>
        );
      })}
      <Box flexGrow={1} />
      <Text dimColor wrap="truncate">
        {clip(footer, inner)}
      </Text>
    </Box>
  );
}
