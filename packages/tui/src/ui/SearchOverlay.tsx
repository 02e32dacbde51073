import { Box, Text } from 'ink';
import type { SearchHit } from '@open-discord/protocol';
import { clip, textWidth } from '../wrap/width.js';

export interface SearchRow {
  hit: SearchHit;
  room: string;
  author: string;
  authorColor: string;
  /** The message's date and time, as the reader's settings write them. */
  when: string;
}

export interface SearchOverlayProps {
  label: string;
  status: 'idle' | 'loading' | 'done' | 'failed';
  rows: SearchRow[];
  selected: number;
  /** More (older) hits can be loaded. */
  more: boolean;
  width: number;
  height: number;
}

/** The snippet as segments, matches highlighted, clipped to `width` columns. */
function snippetParts(hit: SearchHit, width: number): Array<{ text: string; match: boolean }> {
  const parts: Array<{ text: string; match: boolean }> = [];
  let at = 0;
  for (const [a, b] of hit.ranges) {
    if (a > at) parts.push({ text: hit.snippet.slice(at, a), match: false });
    parts.push({ text: hit.snippet.slice(a, b), match: true });
    at = b;
  }
  if (at < hit.snippet.length) parts.push({ text: hit.snippet.slice(at), match: false });
  const out: typeof parts = [];
  let left = width;
  for (const p of parts) {
    if (left <= 0) break;
    const text = clip(p.text, left);
    out.push({ text, match: p.match });
    left -= textWidth(text);
  }
  return out;
}

/** /search: each hit as its room, author and time over its snippet (matches highlighted); Up/Down, Enter, Esc. */
export function SearchOverlay({ label, status, rows, selected, more, width, height }: SearchOverlayProps) {
  const inner = Math.max(1, width - 2);
  // Two rows a hit, below a title and above a footer, inside the border.
  const fits = Math.max(1, Math.floor((height - 4) / 2));
  const first = Math.min(Math.max(0, selected - fits + 1), Math.max(0, rows.length - fits));
  const shown = rows.slice(first, first + fits);
  const footer =
    status === 'loading' ? 'searching…' : rows.length === 0 ? (status === 'failed' ? 'search failed' : 'no messages match') : `${rows.length}${more ? '+' : ''} hits · Up/Down choose · Enter go there · ${more ? 'Tab more · ' : ''}Esc close`;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor="cyan">
      <Text wrap="truncate" color="cyan">
        {clip(`search › ${label}`, inner)}
      </Text>
      {shown.map((r, i) => {
        const on = first + i === selected;
        return (
          <Box key={r.hit.message.id} flexDirection="column">
            <Text wrap="truncate" inverse={on}>
              {clip(`#${r.room} `, inner)}
              <Text color={r.authorColor}>{clip(r.author, Math.max(0, inner - textWidth(`#${r.room} `)))}</Text>
              <Text dimColor> {r.when}</Text>
            </Text>
            <Text wrap="truncate">
              {'  '}
              {snippetParts(r.hit, Math.max(1, inner - 2)).map((p, k) =>
                p.match ? (
                  <Text key={k} bold color="yellow">
                    {p.text}
                  </Text>
                ) : (
                  <Text key={k}>{p.text}</Text>
                ),
              )}
            </Text>
          </Box>
        );
      })}
      <Text dimColor wrap="truncate">
        {clip(footer, inner)}
      </Text>
    </Box>
  );
}
