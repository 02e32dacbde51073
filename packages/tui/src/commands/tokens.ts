/*
 * Words of a command line. Names may hold spaces (a category called "Side Projects"), so a word may be quoted
 * with double quotes, inside which \" and \\ stand for themselves. Single quotes are ordinary characters:
 * names like "Bob's room" are common and must not need escaping. Positions are kept so Tab completion can
 * replace exactly the word under the cursor.
 */

export interface Token {
  /** The word without its quotes and escapes. */
  value: string;
  /** Where it starts and ends in the line (the quotes included). */
  start: number;
  end: number;
  quoted: boolean;
}

export interface Tokens {
  tokens: Token[];
  /** The last word opened a quote that was never closed (still being typed). */
  open: boolean;
}

export function tokenize(line: string, from = 0): Tokens {
  const tokens: Token[] = [];
  let i = from;
  for (;;) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) return { tokens, open: false };
    const start = i;
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) i++;
        value += line[i];
        i++;
      }
      if (i >= line.length) {
        tokens.push({ value, start, end: i, quoted: true });
        return { tokens, open: true };
      }
      i++;
      tokens.push({ value, start, end: i, quoted: true });
      continue;
    }
    while (i < line.length && !/\s/.test(line[i]!)) i++;
    tokens.push({ value: line.slice(start, i), start, end: i, quoted: false });
  }
}

/** A name as it must be typed in a command: quoted when it holds a space or starts with a quote. */
export function quoteName(name: string): string {
  return /\s/.test(name) || name.startsWith('"') || name === '' ? `"${name.replace(/["\\]/g, '\\$&')}"` : name;
}
