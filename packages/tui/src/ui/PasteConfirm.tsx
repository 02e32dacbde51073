import { LIMITS } from '@open-discord/protocol';
import { Box, Text } from 'ink';

/**
 * A paste of several lines is easy to send by accident: show it and ask first. Past the message limit the
 * question is already the one that can succeed: send it as `parts` messages.
 */
export function PasteConfirm({ text, parts, width, height }: { text: string; parts: number; width: number; height: number }) {
  const lines = text.split('\n');
  const room = Math.max(0, height - 5);
  const kb = (new TextEncoder().encode(text).length / 1024).toFixed(1);
  const question =
    parts > 1
      ? `${lines.length === 1 ? '1 line' : `${lines.length} lines`} (${kb} KB): too long for one message (${LIMITS.maxMessageLength} characters at most)`
      : `Send these ${lines.length} lines as one message?`;
  const answer = parts > 1 ? `Enter sends them as ${parts} messages` : 'Enter sends';
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="yellow">
      <Text bold color="yellow" wrap="truncate">
        {question}
      </Text>
      <Text color="yellow" wrap="truncate">
        {answer} · Esc puts them in the input line
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
