import { Text } from 'ink';
import type { Line } from '../wrap/lines.js';

/** One pre-wrapped row: styled segments, never wrapped again by Ink. */
export function Row({ line }: { line: Line }) {
  return (
    <Text wrap="truncate">
      {line.segments.map((s, i) => (
        <Text key={i} color={s.color} dimColor={s.dim} bold={s.bold} italic={s.italic} inverse={s.inverse}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
