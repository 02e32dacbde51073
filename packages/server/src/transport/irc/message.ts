/**
 * IRC messages as the modern client protocol and IRCv3 message-tags define them:
 * `[@tags] [:source] COMMAND [params...] [:trailing]`. Parsing never throws; a line that is not a message
 * (empty, tags only, a bad command) parses to null so the caller can ignore it as RFC 1459 says.
 */
export interface IrcMessage {
  tags: Record<string, string>;
  source: string | null;
  /** Upper-cased command or three-digit numeric. */
  command: string;
  params: string[];
}

/** Bytes of the tag section a client may send (IRCv3 message-tags: 4094 for client tags, 8191 in all). */
export const MAX_TAG_BYTES = 8191;
/** Bytes of the rest of a line, CR LF included (RFC 1459). */
export const MAX_LINE_BYTES = 512;

const UNESCAPE: Record<string, string> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

function unescapeTag(v: string): string {
  if (!v.includes('\\')) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = v[++i];
    // A lone trailing backslash is dropped; an unknown escape stands for the character itself.
    if (next !== undefined) out += UNESCAPE[next] ?? next;
  }
  return out;
}

export function escapeTag(v: string): string {
  return v.replace(/[\\; \r\n]/g, (c) => ({ '\\': '\\\\', ';': '\\:', ' ': '\\s', '\r': '\\r', '\n': '\\n' })[c]!);
}

const COMMAND = /^(?:[A-Za-z]+|\d{3})$/;

/** Parse one line (without its CR LF). */
export function parseMessage(line: string): IrcMessage | null {
  let i = 0;
  const tags: Record<string, string> = {};
  if (line.startsWith('@')) {
    const end = line.indexOf(' ');
    if (end < 0) return null;
    for (const part of line.slice(1, end).split(';')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      if (key === '' || key === '+') continue;
      // The last occurrence of a key wins (message-tags).
      tags[key] = eq < 0 ? '' : unescapeTag(part.slice(eq + 1));
    }
    i = end + 1;
  }
  while (line[i] === ' ') i++;
  let source: string | null = null;
  if (line[i] === ':') {
    const end = line.indexOf(' ', i);
    if (end < 0) return null;
    source = line.slice(i + 1, end);
    i = end + 1;
    while (line[i] === ' ') i++;
  }
  const params: string[] = [];
  let command: string | null = null;
  while (i < line.length) {
    if (command !== null && line[i] === ':') {
      params.push(line.slice(i + 1));
      break;
    }
    let end = line.indexOf(' ', i);
    if (end < 0) end = line.length;
    const word = line.slice(i, end);
    if (command === null) command = word;
    else params.push(word);
    i = end;
    while (line[i] === ' ') i++;
  }
  if (command === null || !COMMAND.test(command)) return null;
  return { tags, source, command: command.toUpperCase(), params };
}

/** Serialise a message; the last parameter gets a ':' when it needs one (empty, spaces, leading ':'). */
export function formatMessage(m: { tags?: Record<string, string | undefined>; source?: string | null; command: string; params?: readonly string[] }): string {
  let out = '';
  if (m.tags) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(m.tags)) if (v !== undefined) parts.push(v === '' ? k : `${k}=${escapeTag(v)}`);
    if (parts.length) out += `@${parts.join(';')} `;
  }
  if (m.source) out += `:${m.source} `;
  out += m.command;
  const params = m.params ?? [];
  params.forEach((p, idx) => {
    const last = idx === params.length - 1;
    out += last && (p === '' || p.includes(' ') || p.startsWith(':')) ? ` :${p}` : ` ${p}`;
  });
  return out;
}

/** Cut text into pieces of at most `maxBytes` UTF-8 bytes, never inside a character, preferring spaces. */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (Buffer.byteLength(text) <= maxBytes) return [text];
  const out: string[] = [];
  let rest = text;
  while (Buffer.byteLength(rest) > maxBytes) {
    let bytes = 0;
    let cut = 0;
    for (const ch of rest) {
      const n = Buffer.byteLength(ch);
      if (bytes + n > maxBytes) break;
      bytes += n;
      cut += ch.length;
    }
    const space = rest.lastIndexOf(' ', cut);
    if (space > cut / 2) cut = space + 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}
