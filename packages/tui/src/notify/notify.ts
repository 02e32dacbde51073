/*
 * Mention notifications. The decision (which kind, from the environment) and the bytes written are pure, so
 * both are unit-tested; the chat screen only writes what `notificationBytes` returns.
 *
 * Both kinds are zero-width control sequences written straight to the stream Ink draws on: they move no
 * cursor, so Ink's idea of the frame stays true. (Ink's own `write()` would erase and redraw the whole
 * full-screen frame for each notification, which flickers for no gain.)
 */
import { sanitizeDisplay } from '../text/sanitize.js';

export type NotifyMode = 'bell' | 'osc9' | 'off';

export const NOTIFY_MODES: readonly NotifyMode[] = ['bell', 'osc9', 'off'];

/**
 * Terminals known to show OSC 9 as a desktop notification. Detection is deliberately conservative: an
 * unknown terminal may print an OSC it does not understand, while BEL is safe everywhere. Inside tmux or
 * screen TERM_PROGRAM names the multiplexer, so the bell is used there too (tmux passes BEL on).
 */
const OSC9_TERM_PROGRAMS = new Set(['iTerm.app', 'WezTerm', 'ghostty']);
const OSC9_TERMS = new Set(['xterm-kitty', 'xterm-ghostty']);

export type NotifyEnv = Readonly<Record<string, string | undefined>>;

/** `OD_NOTIFY=bell|osc9|off` wins; otherwise OSC 9 on terminals known to support it, else the bell. */
export function notifyMode(env: NotifyEnv): NotifyMode {
  const forced = env.OD_NOTIFY?.trim().toLowerCase();
  if (forced && (NOTIFY_MODES as readonly string[]).includes(forced)) return forced as NotifyMode;
  if (env.TERM_PROGRAM && OSC9_TERM_PROGRAMS.has(env.TERM_PROGRAM)) return 'osc9';
  if (env.TERM && OSC9_TERMS.has(env.TERM)) return 'osc9';
  return 'bell';
}

/** The longest notification body: terminals truncate anyway, and the desktop popup is a glance. */
export const NOTIFY_TEXT_MAX = 200;

/**
 * Message text comes from other people: strip every control character (an ESC or BEL inside it would end
 * the OSC early and let the rest be interpreted as terminal commands), fold whitespace, and bound it.
 */
export function sanitizeNotifyText(text: string): string {
  // C0, DEL and C1 controls (C1 includes the 8-bit string terminator 0x9c) never survive sanitizeDisplay.
  const clean = sanitizeDisplay(text).replace(/\s+/g, ' ').trim();
  const chars = [...clean];
  return chars.length > NOTIFY_TEXT_MAX ? chars.slice(0, NOTIFY_TEXT_MAX - 1).join('') + '…' : clean;
}

/** What to write for one mention: BEL, an OSC 9 carrying `text`, or nothing. */
export function notificationBytes(mode: NotifyMode, text: string): string {
  switch (mode) {
    case 'bell':
      return '\x07';
    case 'osc9':
      return `\x1b]9;${sanitizeNotifyText(text)}\x07`;
    case 'off':
      return '';
  }
}
