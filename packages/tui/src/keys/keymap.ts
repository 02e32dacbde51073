import type { Key } from 'ink';

/*
 * Every key binding of od lives here. Components never look at raw keys: they get an Intent from
 * `resolveKey` and act on it, so changing a binding (or documenting them) means reading this one file.
 */
export type Intent =
  | { kind: 'quit' }
  | { kind: 'submit' }
  | { kind: 'insert'; text: string }
  /** Several lines arrived at once (a paste): the chat screen asks before sending. */
  | { kind: 'paste'; text: string }
  | { kind: 'newline' }
  | { kind: 'backspace' }
  | { kind: 'delete' }
  | { kind: 'move'; to: 'left' | 'right' | 'home' | 'end' | 'word-left' | 'word-right' }
  | { kind: 'kill'; what: 'line' | 'to-end' | 'word' }
  | { kind: 'history'; delta: 1 | -1 }
  | { kind: 'complete' }
  | { kind: 'room-index'; index: number }
  | { kind: 'room-step'; delta: 1 | -1 }
  | { kind: 'next-activity' }
  | { kind: 'switcher' }
  | { kind: 'close' }
  | { kind: 'scroll'; pages: number }
  | { kind: 'scroll-lines'; lines: number }
  | { kind: 'bottom' }
  | { kind: 'retry' }
  | { kind: 'help' };

export type KeyContext = 'chat' | 'switcher' | 'help' | 'roles' | 'paste' | 'form';

export const KEY_BINDINGS: ReadonlyArray<readonly [string, string]> = [
  ['Alt+1..9', 'go to room 1..9'],
  ['Ctrl+N / Ctrl+P', 'next / previous room'],
  ['Alt+A', 'next room with activity (mentions first)'],
  ['Ctrl+K', 'room switcher (type to filter, Enter to go)'],
  ['PgUp / PgDn', 'scroll a page (older history loads at the top)'],
  ['Alt+Up / Alt+Down', 'scroll a line'],
  ['Ctrl+End', 'back to the newest message'],
  ['Tab', 'complete command, nickname or room'],
  ['Up / Down', 'input history of this room'],
  ['Alt+Enter / Ctrl+J', 'new line in the message'],
  ['Ctrl+R', 'retry the last failed send'],
  ['Ctrl+A / Ctrl+E', 'start / end of line'],
  ['Ctrl+U / Ctrl+W', 'clear line / delete word'],
  ['Esc', 'close overlay'],
  ['Ctrl+C or /quit', 'quit'],
];

const CONTROL = /[\x00-\x1f\x7f]/;
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
  if (key.ctrl && input === 'c') return { kind: 'quit' };
  if (key.escape) return { kind: 'close' };
  if (key.return && key.meta) return context === 'chat' ? { kind: 'newline' } : null;
  if (key.return) return { kind: 'submit' };
  if (input === '\n') return context === 'chat' ? { kind: 'newline' } : null;
  if (key.pageUp) return { kind: 'scroll', pages: 1 };
  if (key.pageDown) return { kind: 'scroll', pages: -1 };
  if (key.end && key.ctrl) return { kind: 'bottom' };
  if (key.meta && key.upArrow) return { kind: 'scroll-lines', lines: 1 };
  if (key.meta && key.downArrow) return { kind: 'scroll-lines', lines: -1 };
  if (key.upArrow) return { kind: 'history', delta: -1 };
  if (key.downArrow) return { kind: 'history', delta: 1 };
  if (key.leftArrow) return { kind: 'move', to: key.ctrl || key.meta ? 'word-left' : 'left' };
  if (key.rightArrow) return { kind: 'move', to: key.ctrl || key.meta ? 'word-right' : 'right' };
  if (key.home) return { kind: 'move', to: 'home' };
  if (key.end) return { kind: 'move', to: 'end' };
  if (key.tab) return { kind: 'complete' };
  // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`; forward delete is Ctrl+D.
  if (key.backspace || key.delete) return key.meta ? { kind: 'kill', what: 'word' } : { kind: 'backspace' };
  if (key.ctrl) {
    switch (input) {
      case 'n':
        return { kind: 'room-step', delta: 1 };
      case 'p':
        return { kind: 'room-step', delta: -1 };
      case 'k':
        return { kind: 'switcher' };
      case 'r':
        return { kind: 'retry' };
      case 'a':
        return { kind: 'move', to: 'home' };
      case 'e':
        return { kind: 'move', to: 'end' };
      case 'u':
        return { kind: 'kill', what: 'line' };
      case 'w':
        return { kind: 'kill', what: 'word' };
      case 'd':
        return { kind: 'delete' };
      case 'j':
        return context === 'chat' ? { kind: 'newline' } : null;
      default:
        return null;
    }
  }
  if (key.meta) {
    if (/^[1-9]$/.test(input)) return { kind: 'room-index', index: Number(input) - 1 };
    if (input === 'a') return { kind: 'next-activity' };
    if (input === 'b') return { kind: 'move', to: 'word-left' };
    if (input === 'f') return { kind: 'move', to: 'word-right' };
    return null;
  }
  if (input === '' || /[\x00-\x08\x0b-\x1f]/.test(input)) return null;
  return { kind: 'insert', text: input };
}
