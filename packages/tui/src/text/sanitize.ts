import stringWidth from 'string-width';

/*
 * Text from other people (messages, names, topics) must never reach the terminal as control sequences: an
 * ESC could start an OSC 52 clipboard write or retitle the window, a CR could overwrite a row, a C1 CSI
 * (0x9b) acts like ESC [ on some terminals. Nor may it hide or reorder what is shown: bidi overrides and
 * isolates (Trojan Source) could make a terminal that does bidi show text in another order than it is
 * written, and characters that print nothing (zero-width spaces, fillers) take no cell on a terminal but a
 * cell in Ink's screen grid, which pushed the rest of the row over and cut its end off. One function cleans
 * it where wire text enters the state.
 */

/** C0 controls except `\t` and `\n`, DEL, and the C1 controls 0x80–0x9f. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): shown, never obeyed. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Bidi marks (ALM, LRM, RLM): invisible direction hints, dropped. */
const BIDI_MARKS = /[\u061c\u200e\u200f]/g;

/** Tag characters: invisible, meaningful only inside an emoji flag sequence (🏴 + tags). */
const TAGS = /[\u{e0000}-\u{e007f}]/gu;
const HAS_TAG = /[\u{e0000}-\u{e007f}]/u;
// (`v` flag: Node 20 has it; the compile target predates it.)
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

/** A grapheme that is only combining marks (no base letter to sit on). */
const LONE_MARKS = /^\p{M}/u;

/** Shown in place of a control character (and of a bidi control). */
export const CONTROL_REPLACEMENT = '\ufffd';

/** Shown as the base of combining marks that have none, as Unicode charts do. */
export const DOTTED_CIRCLE = '\u25cc';

const segmenter = new Intl.Segmenter();

/**
 * Controls and bidi embeddings/overrides/isolates become a visible replacement; `\n` is kept (multiline
 * messages), a tab becomes two spaces. Graphemes that print nothing are dropped (a zero-width space, a bidi
 * mark, a Hangul filler, a stray tag) except lone combining marks, which get a dotted circle to sit on. So
 * every grapheme left is as wide on a terminal as string-width (and Ink) measure it, and nothing reorders.
 */
export function sanitizeDisplay(text: string): string {
  const base = text.replace(CONTROLS, CONTROL_REPLACEMENT).replace(/\t/g, '  ');
  if (/^[\x20-\x7e\n]*$/.test(base)) return base;
  const s = base.replace(BIDI_CONTROLS, CONTROL_REPLACEMENT).replace(BIDI_MARKS, '');
  let out = '';
  for (const { segment } of segmenter.segment(s)) {
    let g = segment;
    if (HAS_TAG.test(g) && !RGI_EMOJI.test(g)) g = g.replace(TAGS, '');
    if (g === '\n' || (g !== '' && stringWidth(g) > 0)) out += g;
    else if (LONE_MARKS.test(g)) out += DOTTED_CIRCLE + g;
  }
  return out;
}

/** Invisible characters except the joiner and presentation selectors that emoji are built with. */
const INVISIBLE = /(?![\u200d\ufe0e\ufe0f])\p{Default_Ignorable_Code_Point}/gu;

/**
 * For the user's own input while it is edited: every invisible character (zero-width space, bidi control,
 * filler…) shown as one visible replacement, one for one, so the text cannot reorder and the cursor can be
 * seen stepping over what is there.
 */
export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, CONTROL_REPLACEMENT);
}

/** A copy of a wire record with every top-level string field cleaned (ids are unaffected in practice). */
export function sanitizeRecord<T extends object>(rec: T): T {
  let out: T | null = null;
  for (const [k, v] of Object.entries(rec)) {
    if (typeof v !== 'string') continue;
    const clean = sanitizeDisplay(v);
    if (clean === v) continue;
    out ??= { ...rec };
    (out as Record<string, unknown>)[k] = clean;
  }
  return out ?? rec;
}
