/**
 * Wire-level text rules, shared by the server (which enforces them) and clients (which can refuse bad
 * input before it is sent). See docs/protocol.md §4, "Text".
 */

/** C0 and C1 control characters other than tab (U+0009) and newline (U+000A); NUL, ESC and DEL included. */
const CONTROL_RE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/**
 * Bidi embedding and override controls (LRE, RLE, PDF, LRO, RLO): they reorder the text around them
 * until the end of the paragraph ("Trojan source"). Bidi isolates (LRI, RLI, FSI, PDI) and marks (LRM,
 * RLM, ALM) stay allowed in message text: right-to-left writers need them, and their effect ends with
 * the message when it is rendered as an isolate.
 */
const BIDI_OVERRIDE_RE = /[\u202A-\u202E]/;

/**
 * Not allowed in names (nicknames, room, role and category names): anything invisible or formatting —
 * default-ignorable code points (zero-width characters, Hangul fillers U+115F, U+1160, U+3164, U+FFA0,
 * variation selectors, tags), format characters (every bidi control), controls, separators other than
 * the plain space, surrogates, private-use and unassigned code points.
 */
const NAME_FORBIDDEN_RE = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/u;

/** Why `text` (a message or a topic) is not acceptable, or null when it is. */
export function textProblem(text: string): string | null {
  if (CONTROL_RE.test(text)) return 'control characters other than newline and tab are not allowed';
  if (BIDI_OVERRIDE_RE.test(text)) return 'bidi override and embedding characters (U+202A–U+202E) are not allowed';
  return null;
}

/** Why `name` (a nickname, room, role or category name) is not acceptable, or null when it is. */
export function nameProblem(name: string): string | null {
  if (NAME_FORBIDDEN_RE.test(name)) return 'names may not contain invisible, formatting or control characters';
  return null;
}

/** Replace lone surrogates with U+FFFD, so a string is the same text on every path (SQLite stores UTF-8). */
export function wellFormed(text: string): string {
  const s = text as string & { isWellFormed(): boolean; toWellFormed(): string };
  return s.isWellFormed() ? text : s.toWellFormed();
}
