import { Box, Text } from 'ink';

export interface HelpOverlayProps {
  title: string;
  lines: string[];
  width: number;
  height: number;
}

/** A boxed list of lines (/help, /role list); Esc closes it. */
export function HelpOverlay({ title, lines, width, height }: HelpOverlayProps) {
  const room = Math.max(0, height - 3);
  const shown = lines.length > room ? [...lines.slice(0, Math.max(0, room - 1)), '…'] : lines;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text bold color="cyan" wrap="truncate">
        {title} — Esc closes
      </Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}
