/**
 * od nicknames and room names as IRC nicks and channels, deterministically and reversibly.
 *
 * Nicks (od nicknames hold letters, digits, `_ . -`): letters a–z, digits and `- [ ] { } ^ \` _` stand
 * for themselves; a dot becomes `\`; any other character (and `\` or `|` themselves) becomes `|` + its
 * code point in lower-case hex + `|`. A nick may not start with a digit or `-`, so such a first character
 * is escaped too. `john.doe` → `john\doe`, `José` → `Jos|e9|`, `7of9` → `|37|of9`. Decoding reverses each
 * rule, so every od nickname has exactly one IRC nick and back.
 *
 * Channels: `#` + the room name with the same rules, except that every printable character other than
 * space, comma, colon, `\` and `|` stands for itself (channel names may hold UTF-8): `#dev ops` is
 * `#dev\ops`. Group chats use the `&` prefix; direct chats are not channels (they are PRIVMSG to a nick).
 */
const NICK_PLAIN = /^[A-Za-z0-9\-[\]{}^`_]$/;
const NICK_FIRST_ESCAPED = /^[0-9-]$/;
const CHANNEL_ESCAPED = /^[\s,:\\|\x00-\x1f\x7f]$/u;

const hex = (ch: string) => `|${ch.codePointAt(0)!.toString(16)}|`;

export function toIrcNick(nickname: string): string {
  let out = '';
  let first = true;
  for (const ch of nickname) {
    if (ch === '.') out += first ? hex(ch) : '\\';
    else if (NICK_PLAIN.test(ch) && !(first && NICK_FIRST_ESCAPED.test(ch))) out += ch;
    else out += hex(ch);
    first = false;
  }
  return out;
}

export function toIrcChannel(roomName: string, kind: 'text' | 'forum' | 'group' | 'dm' = 'text'): string {
  let out = kind === 'group' ? '&' : '#';
  for (const ch of roomName) {
    if (ch === ' ') out += '\\';
    else if (CHANNEL_ESCAPED.test(ch)) out += hex(ch);
    else out += ch;
  }
  return out;
}

/** The od nickname an IRC nick stands for; null if it is not one we made. */
export const fromIrcNick = (encoded: string): string | null => decode(encoded, '.');

/** The od room name a channel name (without its `#` or `&`) stands for; null if it is not one we made. */
export const fromIrcChannel = (encoded: string): string | null => decode(encoded, ' ');

function decode(encoded: string, backslash: string): string | null {
  let out = '';
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded[i]!;
    if (c === '\\') out += backslash;
    else if (c === '|') {
      const end = encoded.indexOf('|', i + 1);
      if (end < 0) return null;
      const code = Number.parseInt(encoded.slice(i + 1, end), 16);
      if (!/^[0-9a-f]{1,6}$/i.test(encoded.slice(i + 1, end)) || code > 0x10ffff) return null;
      out += String.fromCodePoint(code);
      i = end;
    } else out += c;
  }
  return out;
}

/** RFC 1459 / ascii case folding of an IRC name, for comparisons (CASEMAPPING=ascii). */
export const foldIrc = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
