/**
 * Reaction emoji, shared by the server (which stores the emoji itself) and every client (which lets people
 * type `:tada:`), so a bot's `:tada:` and od's 🎉 are the same reaction.
 */

/** A small, well-known set of shortcodes; anything else is reacted with as typed. */
export const SHORTCODES: Readonly<Record<string, string>> = {
  tada: '🎉',
  '+1': '👍',
  thumbsup: '👍',
  '-1': '👎',
  thumbsdown: '👎',
  heart: '❤️',
  smile: '😄',
  joy: '😂',
  laughing: '😆',
  eyes: '👀',
  fire: '🔥',
  rocket: '🚀',
  white_check_mark: '✅',
  x: '❌',
  thinking: '🤔',
  pray: '🙏',
  clap: '👏',
  wave: '👋',
  ok_hand: '👌',
  sob: '😭',
  100: '💯',
};

/** A reaction emoji is at most this many UTF-16 units (a long ZWJ sequence fits; a sentence does not). */
export const EMOJI_MAX = 32;
/** Distinct emoji one message may carry; adding a new one beyond it is refused. */
export const MAX_REACTIONS_PER_MESSAGE = 20;

/**
 * Not allowed in a reaction: whitespace, controls, separators, bidi embeddings/overrides/isolates, lone
 * surrogates and private-use code points. Zero-width joiners and variation selectors stay: emoji need them.
 */
const EMOJI_FORBIDDEN_RE = /[\s\p{Cc}\p{Z}\p{Cs}\p{Co}\u202A-\u202E\u2066-\u2069]/u;

/** Why `emoji` is not an acceptable reaction, or null when it is. */
export function emojiProblem(emoji: string): string | null {
  if (emoji.length === 0 || emoji.length > EMOJI_MAX) return `a reaction is 1 to ${EMOJI_MAX} characters`;
  if (EMOJI_FORBIDDEN_RE.test(emoji)) return 'a reaction may not contain spaces or control characters';
  return null;
}

/** `:tada:` → 🎉 for a known shortcode; anything else (an emoji, an unknown `:code:`) is returned as is. */
export function resolveEmoji(input: string): string {
  const m = /^:([a-z0-9_+-]+):$/i.exec(input);
  return (m && SHORTCODES[m[1]!.toLowerCase()]) || input;
}

/** The shortcode names, for completion and help. */
export const SHORTCODE_NAMES: readonly string[] = Object.keys(SHORTCODES);
