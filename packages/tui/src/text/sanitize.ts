/*
 * Text from other people (messages, names, topics) must never reach the terminal as control sequences: an
 * ESC could start an OSC 52 clipboard write or retitle the window, a CR could overwrite a row, a C1 CSI
 * (0x9b) acts like ESC [ on some terminals. One function cleans it where wire text enters the state.
 */

/** C0 controls except `\t` and `\n`, DEL, and the C1 controls 0x80–0x9f. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Shown in place of a control character. */
export const CONTROL_REPLACEMENT = '\ufffd';

/** Controls become a visible replacement; `\n` is kept (multiline messages), a tab becomes two spaces. */
export function sanitizeDisplay(text: string): string {
  return text.replace(CONTROLS, CONTROL_REPLACEMENT).replace(/\t/g, '  ');
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
