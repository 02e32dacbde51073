import { Box, Text } from 'ink';
import type { InputState } from '../state/input/input-state.js';
import { showInvisible } from '../text/sanitize.js';
import { textWidth } from '../wrap/width.js';

export interface InputLineProps {
  input: InputState;
  prompt: string;
  width: number;
  height: number;
  /** Draw the cursor (false while an overlay has the keyboard). */
  focused: boolean;
}

interface InputRow {
  before: string;
  at: string;
  after: string;
}

/**
 * The input line: our own (no dependency) editor view. Multiline text shows its last `height` rows around
 * the cursor; a row wider than the screen scrolls horizontally to keep the cursor visible.
 */
export function InputLine({ input, prompt, width, height, focused }: InputLineProps) {
  const rows = layoutInput(input, Math.max(1, width - textWidth(prompt) - 1), height);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {rows.map((r, i) => (
        <Text key={i} wrap="truncate">
          <Text color="cyan">{i === 0 ? prompt : ' '.repeat(textWidth(prompt))}</Text>
          {showInvisible(r.before)}
          {r.at !== '' || focused ? <Text inverse={focused}>{showInvisible(r.at) || ' '}</Text> : null}
          {showInvisible(r.after)}
        </Text>
      ))}
    </Box>
  );
}

export function layoutInput(input: InputState, avail: number, height: number): InputRow[] {
  const lines = input.text.split('\n');
  // Which line and column the cursor is on.
  let offset = input.cursor;
  let row = 0;
  while (row < lines.length - 1 && offset > lines[row]!.length) {
    offset -= lines[row]!.length + 1;
    row++;
  }
  const first = Math.max(0, Math.min(row - height + 1, lines.length - height));
  const out: InputRow[] = [];
  for (let i = first; i < Math.min(lines.length, first + height); i++) {
    const line = lines[i]!;
    if (i !== row) {
      out.push({ before: line.slice(Math.max(0, line.length - avail)), at: '', after: '' });
      continue;
    }
    // Scroll horizontally so the cursor stays inside the row.
    const start = Math.max(0, offset - avail + 1);
    const chars = [...line.slice(start)];
    const col = [...line.slice(start, offset)].length;
    out.push({ before: chars.slice(0, col).join(''), at: chars[col] ?? '', after: chars.slice(col + 1).join('') });
  }
  return out;
}
