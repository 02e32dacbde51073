import type { Key } from 'ink';

import { KEY_BINDINGS } from './bindings.js';
import type { Intent, KeyContext } from './intents.js';

export type { Intent, KeyContext } from './intents.js';

/*
 * Raw key events → intents. Which key does what is the table in bindings.ts; this file only adds what is not
 * a binding: splitting keys that arrive together, pastes, and plain typing.
 */
const CONTROL = /[\x00-\x1f\x7f]/;
const MOUSE_RUN = /^(?:\x1b?\[<\d+;\d+;\d+[Mm])+$/;
const MOUSE_ONE = /\x1b?\[<\d+;\d+;\d+[Mm]/g;
const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};

/**
 * What one input event means. Keys that arrive together (typed fast over a slow link, or sent by a script)
 * reach us as one string such as "/hel\t" or "hi\r": they are split back into keys. Text spanning several
 * lines is a paste and stays one intent, so the chat can ask before sending it.
 */
export function resolveInput(input: string, key: Key, context: KeyContext): Intent[] {
  // Mouse reports that arrived together (a fast wheel): each one is a key of its own.
  if (MOUSE_RUN.test(input)) {
    return (input.match(MOUSE_ONE) ?? []).map((m) => resolveKey(m, NO_KEY, context)).filter((i): i is Intent => i !== null);
  }
  if (input.length <= 1 || key.ctrl || key.meta || !CONTROL.test(input)) {
    const one = resolveKey(input, key, context);
    return one ? [one] : [];
  }
  const text = input.replace(/\r\n?/g, '\n');
  // While a paste waits for confirmation, any chunk with a line break is more of it (never Enter).
  if (/\n./.test(text) || (context === 'paste' && text.includes('\n'))) {
    return [{ kind: 'paste', text }];
  }
  const out: Intent[] = [];
  for (const part of text.match(/[^\x00-\x1f\x7f]+|[\x00-\x1f\x7f]/g) ?? []) {
    let intent: Intent | null;
    if (!CONTROL.test(part)) intent = { kind: 'insert', text: part };
    else if (part === '\n') intent = { kind: 'submit' };
    else if (part === '\t') intent = { kind: 'complete' };
    else if (part === '\x7f' || part === '\b') intent = { kind: 'backspace' };
    else intent = resolveKey(String.fromCharCode(part.charCodeAt(0) + 96), { ...NO_KEY, ctrl: true }, context);
    if (intent) out.push(intent);
  }
  return out;
}

export function resolveKey(input: string, key: Key, context: KeyContext): Intent | null {
  const binding = KEY_BINDINGS.find((b) => b.when(input, key));
  if (binding) return binding.intent(input, key, context);
  // Other Ctrl and Alt chords are unbound: they must not type their letter.
  if (key.ctrl || key.meta) return null;
  if (input === '' || /[\x00-\x08\x0b-\x1f]/.test(input)) return null;
  return { kind: 'insert', text: input };
}
