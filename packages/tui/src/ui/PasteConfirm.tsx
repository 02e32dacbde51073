import { Box, Text } from 'ink';

/** A paste of several lines is easy to send by accident: show it and ask first. */
export function PasteConfirm({ text, width, height }: { text: string; width: number; height: number }) {
  const lines = text.split('\n');
  const room = Math.max(0, height - 4);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="yellow">
      <Text bold color="yellow" wrap="truncate">
        Send these {lines.length} lines as one message? Enter sends · Esc puts them in the input line
      </Text>
      {lines.slice(0, room).map((l, i) => (
        <Text key={i} wrap="truncate" dimColor>
          {l || ' '}
        </Text>
      ))}
      {lines.length > room ? <Text dimColor>… {lines.length - room} more</Text> : null}
    </Box>
  );
}
