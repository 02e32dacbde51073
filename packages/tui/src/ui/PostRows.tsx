import { Box, Text } from 'ink';
import type { PostRow } from '../state/forum/selectors.js';
import { clip, textWidth } from '../wrap/width.js';

/** Posts, two rows each: unread mark, title and tags; then author and activity. The selected one inverted. */
export function PostRows({ rows, selected, width, fits }: { rows: PostRow[]; selected: number; width: number; fits: number }) {
  const first = Math.min(Math.max(0, selected - fits + 1), Math.max(0, rows.length - fits));
  return (
    <>
      {rows.slice(first, first + fits).map((r, i) => {
        const on = first + i === selected;
        const head = `${r.unread ? '● ' : '  '}${r.marks ? r.marks + ' ' : ''}`;
        const title = clip(r.title, Math.max(1, width - textWidth(head)));
        const tags = r.tags ? clip(` ${r.tags}`, Math.max(0, width - textWidth(head) - textWidth(title))) : '';
        return (
          <Box key={r.id} flexDirection="column">
            <Text wrap="truncate" inverse={on}>
              <Text color="yellow">{head}</Text>
              <Text bold={r.unread}>{title}</Text>
              <Text color="cyan">{tags}</Text>
            </Text>
            <Text wrap="truncate">
              {'    '}
              <Text color={r.authorColor}>{clip(r.author, Math.max(1, width - 4))}</Text>
              <Text dimColor>{clip(` · ${r.meta}`, Math.max(0, width - 4 - textWidth(r.author)))}</Text>
            </Text>
          </Box>
        );
      })}
    </>
  );
}
