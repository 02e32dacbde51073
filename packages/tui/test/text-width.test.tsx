import { fc, test } from '@fast-check/vitest';
import { Box } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { reducer } from '../src/state/reducer.js';
import { CONTROL_REPLACEMENT, DOTTED_CIRCLE, sanitizeDisplay, showInvisible } from '../src/text/sanitize.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { Row } from '../src/ui/Row.js';
import { clip, fit, graphemes, textWidth, truncate } from '../src/wrap/width.js';
import { wrapText } from '../src/wrap/wrap-text.js';
import { boot, created, msg } from './fixtures.js';

afterEach(() => cleanup());

const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const ZW = 'zw: a\u200bb\u200bc\u200bd-END';
const TROJAN = 'ok \u202eevil\u202c end \u2067isolated\u2069 \u200eLRM';

/** Draw one pre-wrapped row the way the message pane does, in a box exactly `width` cells wide. */
function drawn(text: string, width: number): string {
  const { lastFrame, unmount } = render(
    <Box width={width}>
      <Row line={{ key: 'k', segments: [{ text }] }} />
    </Box>,
  );
  const out = lastFrame() ?? '';
  unmount();
  return out;
}

describe('zero-width characters', () => {
  it('are dropped from wire text, so nothing after them is cut off', () => {
    expect(sanitizeDisplay(ZW)).toBe('zw: abcd-END');
    // The row Ink draws is exactly the text, to its last character, at exactly its width.
    const clean = sanitizeDisplay(ZW);
    expect(drawn(clean, textWidth(clean))).toBe('zw: abcd-END');
    for (const filler of ['\u2060', '\ufeff', '\u00ad', '\u3164', '\u115f', '\u180e']) {
      expect(sanitizeDisplay(`a${filler}b`)).toBe('ab');
    }
  });

  it('measure zero cells and are never part of what the width functions return', () => {
    expect(textWidth(ZW)).toBe(textWidth('zw: abcd-END'));
    expect(truncate(ZW, 100)).toBe('zw: abcd-END');
    expect(fit('a\u200bb', 4)).toBe('ab  ');
    expect(clip('a\u200bb\u200bc', 2)).toBe('ab');
    expect(wrapText(ZW, 6)).toEqual(['zw: ab', 'cd-END']);
  });

  it('keep the joiners and selectors inside emoji and accents', () => {
    const family = '👨\u200d👩\u200d👧';
    const flag = '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}';
    for (const s of [family, flag, '❤\ufe0f', 'e\u0301', '👍🏽']) expect(sanitizeDisplay(s)).toBe(s);
    expect(textWidth(family)).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
    // Tag characters hiding text after an ordinary letter are dropped.
    expect(sanitizeDisplay('hi\u{e0069}\u{e0067}\u{e006e}')).toBe('hi');
  });

  it('a combining mark with nothing to sit on gets a dotted circle', () => {
    expect(sanitizeDisplay('\u0301x')).toBe(`${DOTTED_CIRCLE}\u0301x`);
    expect(textWidth(sanitizeDisplay('\u0301x'))).toBe(2);
  });
});

describe('bidi controls', () => {
  it('embeddings, overrides and isolates are shown, never obeyed; marks are dropped', () => {
    const clean = sanitizeDisplay(TROJAN);
    expect(clean).not.toMatch(BIDI);
    const R = CONTROL_REPLACEMENT;
    expect(clean).toBe(`ok ${R}evil${R} end ${R}isolated${R} LRM`);
    // Drawn in full, in logical order.
    expect(drawn(clean, textWidth(clean))).toBe(clean);
  });

  it('reach the screen from a message as written, with nothing cut off', () => {
    let s = boot();
    s = reducer(s, { type: 'event', event: created(msg(21, { text: ZW })) });
    s = reducer(s, { type: 'event', event: created(msg(22, { text: TROJAN })) });
    const frame = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(frame).toContain('zw: abcd-END');
    expect(frame).toContain(`ok ${CONTROL_REPLACEMENT}evil${CONTROL_REPLACEMENT} end`);
    expect(frame).not.toMatch(BIDI);
    expect(frame).not.toContain('\u200b');
  });

  it('in the user’s own input are shown one for one', () => {
    expect(showInvisible('a\u200bb\u202ec')).toBe(`a${CONTROL_REPLACEMENT}b${CONTROL_REPLACEMENT}c`);
    expect(showInvisible('👨\u200d👩\u200d👧 ❤\ufe0f')).toBe('👨\u200d👩\u200d👧 ❤\ufe0f');
  });
});

describe('width and wrapping by grapheme', () => {
  it('measures wide, combining and emoji text as string-width does', () => {
    expect(textWidth('日本語')).toBe(6);
    expect(textWidth('go 🚀 ✅')).toBe(8);
    expect(textWidth('☺✓→')).toBe(3);
  });

  it('never cuts inside a grapheme', () => {
    const accents = 'e\u0301'.repeat(10);
    const rows = wrapText(accents, 3);
    expect(rows.join('')).toBe(accents);
    for (const row of rows) expect(row).toMatch(/^(e\u0301)+$/);
    const family = '👨\u200d👩\u200d👧';
    expect(wrapText(family.repeat(3), 4)).toEqual([family.repeat(2), family]);
    expect(truncate(`${family}${family}x`, 4)).toBe(`${family}…`);
  });

  // Any text at all, once cleaned: every grapheme prints at least one cell (or is a newline), nothing can
  // reorder, every wrapped row fits (two cells at least: a wide character needs them), and Ink draws a row
  // exactly as wide as measured.
  const anyText = fc.string({ unit: 'binary', maxLength: 60 });
  test.prop([anyText, fc.integer({ min: 2, max: 40 })], { numRuns: 200 })('cleaned text measures as it prints', (raw, w) => {
    const clean = sanitizeDisplay(raw);
    expect(clean).not.toMatch(BIDI);
    for (const g of graphemes(clean)) if (g !== '\n') expect(stringWidth(g)).toBeGreaterThan(0);
    for (const row of wrapText(clean, w)) expect(textWidth(row)).toBeLessThanOrEqual(w);
  });

  test.prop([anyText], { numRuns: 40 })('Ink draws a cleaned row in full at its measured width', (raw) => {
    const row = sanitizeDisplay(raw).split('\n')[0]!.trim();
    if (textWidth(row) === 0) return;
    expect(drawn(row, textWidth(row))).toBe(row);
  });
});
