import { LIMITS } from '@open-discord/protocol';

/**
 * A paste as the messages it would be sent as. Within the limit it is one message; longer, it is cut on line
 * boundaries into messages that each fit (a single line longer than the limit is cut at its last space that
 * fits, else hard), so nothing is refused by the server after the user said yes.
 */
export function pasteParts(text: string, max: number = LIMITS.maxMessageLength): string[] {
  const body = text.replace(/\s+$/, '');
  if (body.length <= max) return body ? [body] : [];
  const parts: string[] = [];
  let cur = '';
  const flush = () => {
    const t = cur.replace(/\s+$/, '');
    if (t.trim()) parts.push(t);
    cur = '';
  };
  for (let line of body.split('\n')) {
    while (line.length > max) {
      flush();
      const space = line.lastIndexOf(' ', max);
      const cut = space > max / 2 ? space : max;
      cur = line.slice(0, cut);
      flush();
      line = line.slice(cut).replace(/^ /, '');
    }
    if (cur && cur.length + 1 + line.length > max) flush();
    cur = cur ? `${cur}\n${line}` : line;
  }
  flush();
  return parts;
}
