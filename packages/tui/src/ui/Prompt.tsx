import { Box, Text } from 'ink';

/** A one-line question over the message pane (quit with a draft, go to room NN). */
export function Prompt({ text, width, height }: { text: string; width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height} justifyContent="flex-end">
      <Box borderStyle="round" borderColor="yellow" width={width}>
        <Text color="yellow" wrap="truncate">
          {text}
        </Text>
      </Box>
    </Box>
  );
}
