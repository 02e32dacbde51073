import { Text } from 'ink';
import type { Line } from '../wrap/lines.js';

/**
 * OSC 8 around a link's text: terminals that know it make the text clickable, the others ignore it. The URL
 * comes from message text that intake.ts already cleaned of control characters, and the URL pattern takes no
 * spaces or controls, so it cannot end the sequence early.
 */
export const hyperlink = (url: string, text: string) => `\x1b]8;;${url}\x1b\\${text}\x1b]8;;\x1b\\`;

/** One pre-wrapped row: styled segments, never wrapped again by Ink. */
export function Row({ line }: { line: Line }) {
  return (
    <Text wrap="truncate">
      {line.segments.map((s, i) => (
        <Text key={i} color={s.color} backgroundColor={s.bg} dimColor={s.dim} bold={s.bold} italic={s.italic} inverse={s.inverse} underline={!!s.link}>
          {s.link ? hyperlink(s.link, s.text) : s.text}
        </Text>
      ))}
    </Text>
  );
}
