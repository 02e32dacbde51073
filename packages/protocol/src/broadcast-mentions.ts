/**
 * `@room` (alias `@everyone`) mentions every member of the room; `@here` its members online at the time.
 * Only a sender holding `mention_everyone` reaches anyone with them (the server decides and lists who in
 * `message.mentions`); clients use this to highlight the word itself.
 */
const BROADCAST_RE = /(?<![\p{L}\p{N}_.@-])@(room|here|everyone)(?![\p{L}\p{N}_-])/giu;

export type Broadcast = 'room' | 'here';

/** What the text asks to reach: 'room' wins over 'here'; null when it names neither. */
export function broadcastMention(text: string): Broadcast | null {
  if (!text.includes('@')) return null;
  let found: Broadcast | null = null;
  for (const m of text.matchAll(BROADCAST_RE)) {
    const word = m[1]!.toLowerCase();
    if (word === 'here') found ??= 'here';
    else return 'room';
  }
  return found;
}

/** Where the broadcast words sit in the text ([start, end) pairs), for highlighting them. */
export function broadcastSpans(text: string): Array<[number, number]> {
  if (!text.includes('@')) return [];
  return [...text.matchAll(BROADCAST_RE)].map((m) => [m.index, m.index + m[0].length] as [number, number]);
}
