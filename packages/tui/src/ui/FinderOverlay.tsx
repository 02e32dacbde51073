import { Box, Text } from 'ink';
import type { FinderEntry } from '../state/forum/finder.js';
import { clip } from '../wrap/width.js';

export interface FinderOverlayProps {
  title: string;
  status: 'loading' | 'done' | 'failed';
  entries: FinderEntry[];
  selected: number;
  width: number;
  height: number;
}

/** `/boards`, `/people`: one row an entry (name, then what it is in dim), Up/Down, Enter, Esc. */
export function FinderOverlay({ title, status, entries, selected, width, height }: FinderOverlayProps) {
  const inner = Math.max(1, width - 2);
  const fits = Math.max(1, height - 4);
  const first = Math.min(Math.max(0, selected - fits + 1), Math.max(0, entries.length - fits));
  const shown = entries.slice(first, first + fits);
  const people = entries[0]?.kind === 'person';
  const footer =
    status === 'loading'
      ? 'loading…'
      : entries.length === 0
        ? status === 'failed'
          ? 'failed'
          : 'nothing matches'
        : `Up/Down choose · Enter ${people ? 'shows the profile card' : 'goes to the board'} · Esc close`;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text wrap="truncate" color="cyan">
        {clip(title, inner)}
      </Text>
      {shown.map((e, i) => (
        <Text key={e.id} wrap="truncate" inverse={first + i === selected}>
          {clip(`${e.label}  `, inner)}
          <Text dimColor>{clip(e.detail, Math.max(0, inner - e.label.length - 2))}</Text>
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text dimColor wrap="truncate">
        {clip(footer, inner)}
      </Text>
    </Box>
  );
}
