import { Box, Text } from 'ink';
import type { Line } from '../wrap/lines.js';
import { overlayBodyRows } from '../state/overlay/scroll.js';
import { Row } from './Row.js';

export interface HelpOverlayProps {
  title: string;
  rows: Line[];
  /** Rows scrolled down from the top (the reducer keeps it in range). */
  scroll: number;
  width: number;
  height: number;
}

/** A boxed, scrollable list of rows (/help, /role list); Esc closes it. */
export function HelpOverlay({ title, rows, scroll, width, height }: HelpOverlayProps) {
  const body = overlayBodyRows(height);
  const top = Math.max(0, Math.min(scroll, rows.length - body));
  const shown = rows.slice(top, top + body);
  const below = rows.length - top - shown.length;
  const scrollable = rows.length > body;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text bold color="cyan" wrap="truncate">
        {title} — Esc closes
      </Text>
      {shown.map((l) => (
        <Row key={l.key} line={l} />
      ))}
      {scrollable ? (
        <Box flexGrow={1} alignItems="flex-end">
          <Text dimColor wrap="truncate">
            {top > 0 ? `↑ ${top} above  ` : ''}
            {below > 0 ? `↓ ${below} more  ` : ''}↑↓ PgUp PgDn scroll
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
