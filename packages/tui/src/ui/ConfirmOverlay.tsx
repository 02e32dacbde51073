import { Box, Text } from 'ink';

/** A destructive command's question; y runs it, anything else (Enter included) cancels. */
export function ConfirmOverlay({ question, width, height }: { question: string; width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="red">
      <Text bold color="red">
        {question}
      </Text>
      <Text>
        <Text bold>y</Text> yes · <Text bold>N</Text> no (Enter, Esc)
      </Text>
    </Box>
  );
}
