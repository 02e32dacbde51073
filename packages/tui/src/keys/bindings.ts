import type { Key } from 'ink';
import type { Intent, KeyContext } from './intents.js';

/*
 * Every key binding of od, as data. This one table drives the keymap (keymap.ts walks it in order, the first
 * binding whose `when` matches decides) and generates the help screen (help.ts), so the two cannot drift
 * apart. To add a binding, add a row here; the keys test checks that each row is in the help and dispatches.
 */
export interface KeyBinding {
  /** The key as the help screen writes it. */
  keys: string;
  /** What it does, for the help screen. */
  help: string;
  /** Does this key event belong to the binding? Order matters: Alt+Enter must come before Enter. */
  when: (input: string, key: Key) => boolean;
  /** The intent, or null where the binding deliberately does nothing in this context. */
  intent: (input: string, key: Key, context: KeyContext) => Intent | null;
  /** One key event that triggers it (the test presses it; it also documents the row). */
  example: { input: string; key?: Partial<Key> };
}

const always = (intent: Intent) => () => intent;
/**
 * A mouse report in SGR form (`ESC [ < button ; column ; row M`), as Ink hands it over (without the ESC).
 * od asks for them on the alternate screen (run/screen.ts) only to scroll with the wheel: 64 is up, 65 down.
 */
export const MOUSE_REPORT = /^\x1b?\[<(\d+);\d+;\d+[Mm]$/;
const wheel = (input: string, _k: Key, context: KeyContext): Intent | null => {
  const button = Number(MOUSE_REPORT.exec(input)?.[1]);
  // Modifier bits (shift 4, alt 8, ctrl 16) do not change the direction.
  const b = button & ~0b11100;
  if (context !== 'chat' || (b !== 64 && b !== 65)) return null;
  return { kind: 'scroll-lines', lines: b === 64 ? WHEEL_LINES : -WHEEL_LINES };
};
const WHEEL_LINES = 3;
/** A line break belongs in a message only; a form or an overlay has no use for it. */
const newline = (_i: string, _k: Key, context: KeyContext): Intent | null => (context === 'chat' ? { kind: 'newline' } : null);
/**
 * A plain letter that acts on the selected message while selection mode has the keyboard, and is typed as
 * itself everywhere else.
 */
const plain = (letter: string) => (input: string, key: Key) => input === letter && !key.ctrl && !key.meta;
const selectKey = (intent: Intent) => (input: string, _k: Key, context: KeyContext): Intent | null =>
  context === 'select' ? intent : { kind: 'insert', text: input };
const ctrl = (letter: string) => (input: string, key: Key) => key.ctrl && input === letter;
const alt = (letter: string) => (input: string, key: Key) => key.meta && input === letter;

export const KEY_BINDINGS: readonly KeyBinding[] = [
  // First: a mouse report must never be typed into the input line, whatever else it looks like.
  { keys: 'Mouse wheel', help: 'scroll the messages (hold Shift to select text with the mouse)', when: (i) => MOUSE_REPORT.test(i), intent: wheel, example: { input: '[<64;10;5M' } },
  { keys: 'Ctrl+C', help: 'quit (or /quit); asks first when an unsent draft would be lost', when: ctrl('c'), intent: always({ kind: 'quit' }), example: { input: 'c', key: { ctrl: true } } },
  { keys: 'Esc', help: 'close an overlay; clear a notice; back to the newest message', when: (_i, k) => k.escape, intent: always({ kind: 'close' }), example: { input: '', key: { escape: true } } },
  { keys: 'Alt+Enter', help: 'new line in the message', when: (_i, k) => k.return && k.meta, intent: newline, example: { input: '', key: { return: true, meta: true } } },
  { keys: 'Enter', help: 'send the message or run the command; on a board, with an empty line: open the selected post', when: (_i, k) => k.return, intent: always({ kind: 'submit' }), example: { input: '', key: { return: true } } },
  // Ctrl+J arrives as a bare line feed from most terminals, and as Ctrl with "j" from some.
  { keys: 'Ctrl+J', help: 'new line in the message', when: (i, k) => i === '\n' || (k.ctrl && i === 'j'), intent: newline, example: { input: '\n' } },
  // Before PgUp/PgDn: the same keys with Alt (CSI 5;3~ / 6;3~) scroll the member list beside the chat.
  { keys: 'Alt+PgUp', help: 'scroll the member list (Alt+M) up a page', when: (_i, k) => k.pageUp && k.meta, intent: always({ kind: 'members-scroll', pages: 1 }), example: { input: '', key: { pageUp: true, meta: true } } },
  { keys: 'Alt+PgDn', help: 'scroll the member list (Alt+M) down a page', when: (_i, k) => k.pageDown && k.meta, intent: always({ kind: 'members-scroll', pages: -1 }), example: { input: '', key: { pageDown: true, meta: true } } },
  { keys: 'PgUp', help: 'scroll up a page (older history loads at the top)', when: (_i, k) => k.pageUp, intent: always({ kind: 'scroll', pages: 1 }), example: { input: '', key: { pageUp: true } } },
  { keys: 'PgDn', help: 'scroll down a page', when: (_i, k) => k.pageDown, intent: always({ kind: 'scroll', pages: -1 }), example: { input: '', key: { pageDown: true } } },
  { keys: 'Ctrl+End', help: 'back to the newest message', when: (_i, k) => k.end && k.ctrl, intent: always({ kind: 'bottom' }), example: { input: '', key: { end: true, ctrl: true } } },
  { keys: 'Alt+U', help: 'jump to the first unread message (the read ruler), and back to the newest', when: alt('u'), intent: always({ kind: 'ruler' }), example: { input: 'u', key: { meta: true } } },
  { keys: 'Alt+Up', help: 'scroll up a line', when: (_i, k) => k.meta && k.upArrow, intent: always({ kind: 'scroll-lines', lines: 1 }), example: { input: '', key: { upArrow: true, meta: true } } },
  { keys: 'Alt+Down', help: 'scroll down a line', when: (_i, k) => k.meta && k.downArrow, intent: always({ kind: 'scroll-lines', lines: -1 }), example: { input: '', key: { downArrow: true, meta: true } } },
  { keys: 'Ctrl+Up', help: "earlier line of this room's input history, even on an empty line", when: (_i, k) => k.ctrl && k.upArrow, intent: always({ kind: 'history', delta: -1, recall: true }), example: { input: '', key: { upArrow: true, ctrl: true } } },
  { keys: 'Up', help: "on an empty line: select your last message (then e edits it), or on a board the post above; else earlier input history; in selection: older message", when: (_i, k) => k.upArrow, intent: always({ kind: 'history', delta: -1 }), example: { input: '', key: { upArrow: true } } },
  { keys: 'Down', help: 'later line of the input history; on a board with an empty line: the post below; in selection: newer message (past the newest: back to typing)', when: (_i, k) => k.downArrow, intent: always({ kind: 'history', delta: 1 }), example: { input: '', key: { downArrow: true } } },
  { keys: 'Ctrl+Left', help: 'word left (also Alt+Left, Alt+B)', when: (_i, k) => k.leftArrow && (k.ctrl || k.meta), intent: always({ kind: 'move', to: 'word-left' }), example: { input: '', key: { leftArrow: true, ctrl: true } } },
  { keys: 'Left', help: 'cursor left', when: (_i, k) => k.leftArrow, intent: always({ kind: 'move', to: 'left' }), example: { input: '', key: { leftArrow: true } } },
  { keys: 'Ctrl+Right', help: 'word right (also Alt+Right, Alt+F)', when: (_i, k) => k.rightArrow && (k.ctrl || k.meta), intent: always({ kind: 'move', to: 'word-right' }), example: { input: '', key: { rightArrow: true, ctrl: true } } },
  { keys: 'Right', help: 'cursor right', when: (_i, k) => k.rightArrow, intent: always({ kind: 'move', to: 'right' }), example: { input: '', key: { rightArrow: true } } },
  { keys: 'Home', help: 'start of line (also Ctrl+A)', when: (_i, k) => k.home, intent: always({ kind: 'move', to: 'home' }), example: { input: '', key: { home: true } } },
  { keys: 'End', help: 'end of line (also Ctrl+E)', when: (_i, k) => k.end, intent: always({ kind: 'move', to: 'end' }), example: { input: '', key: { end: true } } },
  { keys: 'Tab', help: 'complete a command, nickname, room, role or category', when: (_i, k) => k.tab, intent: always({ kind: 'complete' }), example: { input: '', key: { tab: true } } },
  // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`; forward delete is Ctrl+D.
  { keys: 'Alt+Backspace', help: 'delete the word before the cursor', when: (_i, k) => (k.backspace || k.delete) && k.meta, intent: always({ kind: 'kill', what: 'word' }), example: { input: '', key: { backspace: true, meta: true } } },
  { keys: 'Backspace', help: 'delete the character before the cursor', when: (_i, k) => k.backspace || k.delete, intent: always({ kind: 'backspace' }), example: { input: '', key: { backspace: true } } },
  { keys: 'Ctrl+N', help: 'next room', when: ctrl('n'), intent: always({ kind: 'room-step', delta: 1 }), example: { input: 'n', key: { ctrl: true } } },
  { keys: 'Ctrl+P', help: 'previous room', when: ctrl('p'), intent: always({ kind: 'room-step', delta: -1 }), example: { input: 'p', key: { ctrl: true } } },
  { keys: 'Ctrl+K', help: 'room switcher (type to filter, Enter to go)', when: ctrl('k'), intent: always({ kind: 'switcher' }), example: { input: 'k', key: { ctrl: true } } },
  { keys: 'Ctrl+R', help: 'retry the last failed send', when: ctrl('r'), intent: always({ kind: 'retry' }), example: { input: 'r', key: { ctrl: true } } },
  { keys: 'Alt+R', help: 'reconnect now (while offline, instead of waiting)', when: alt('r'), intent: always({ kind: 'reconnect' }), example: { input: 'r', key: { meta: true } } },
  { keys: 'Ctrl+A', help: 'start of line', when: ctrl('a'), intent: always({ kind: 'move', to: 'home' }), example: { input: 'a', key: { ctrl: true } } },
  { keys: 'Ctrl+E', help: 'end of line', when: ctrl('e'), intent: always({ kind: 'move', to: 'end' }), example: { input: 'e', key: { ctrl: true } } },
  { keys: 'Ctrl+U', help: 'clear the line', when: ctrl('u'), intent: always({ kind: 'kill', what: 'line' }), example: { input: 'u', key: { ctrl: true } } },
  { keys: 'Ctrl+W', help: 'delete the word before the cursor', when: ctrl('w'), intent: always({ kind: 'kill', what: 'word' }), example: { input: 'w', key: { ctrl: true } } },
  { keys: 'Ctrl+D', help: 'delete the character under the cursor', when: ctrl('d'), intent: always({ kind: 'delete' }), example: { input: 'd', key: { ctrl: true } } },
  { keys: 'Alt+1..9', help: 'go to room 1..9', when: (i, k) => k.meta && /^[1-9]$/.test(i), intent: (i) => ({ kind: 'room-index', index: Number(i) - 1 }), example: { input: '3', key: { meta: true } } },
  { keys: 'Alt+J NN', help: 'go to room NN (any room: Alt+J 1 2 is room 12; one digit and Enter works too)', when: alt('j'), intent: always({ kind: 'room-jump' }), example: { input: 'j', key: { meta: true } } },
  { keys: 'Alt+M', help: 'member list of this room beside the chat (over it when narrow): presence, roles, status; again to close', when: alt('m'), intent: always({ kind: 'members' }), example: { input: 'm', key: { meta: true } } },
  { keys: 'Alt+I', help: 'the notification inbox (as /inbox): mentions, replies, comments, posts of people you follow', when: alt('i'), intent: always({ kind: 'inbox' }), example: { input: 'i', key: { meta: true } } },
  { keys: 'Alt+V', help: 'in voice: push-to-talk on or off (releases itself after 5 s of silence); /voice-mode open for open mic', when: alt('v'), intent: always({ kind: 'ptt' }), example: { input: 'v', key: { meta: true } } },
  { keys: 'Alt+A', help: 'next room with activity (mentions first)', when: alt('a'), intent: always({ kind: 'next-activity' }), example: { input: 'a', key: { meta: true } } },
  { keys: 'Alt+O', help: 'save and open the newest attachment in this room (as /open)', when: alt('o'), intent: always({ kind: 'open-attachment' }), example: { input: 'o', key: { meta: true } } },
  { keys: 'Alt+B', help: 'word left', when: alt('b'), intent: always({ kind: 'move', to: 'word-left' }), example: { input: 'b', key: { meta: true } } },
  { keys: 'Alt+T', help: 'in an open thread: toggle "also send to room" for replies', when: alt('t'), intent: always({ kind: 'thread-also' }), example: { input: 't', key: { meta: true } } },
  { keys: 'Alt+F', help: 'word right', when: alt('f'), intent: always({ kind: 'move', to: 'word-right' }), example: { input: 'f', key: { meta: true } } },
  // Selection mode: messages are picked with the keys, so no message id is ever typed (Esc leaves it).
  { keys: 'Alt+S', help: 'select a message (selection mode; Esc leaves)', when: alt('s'), intent: always({ kind: 'select' }), example: { input: 's', key: { meta: true } } },
  { keys: 'k', help: 'in selection: older message', when: plain('k'), intent: selectKey({ kind: 'select-move', delta: -1 }), example: { input: 'k' } },
  { keys: 'j', help: 'in selection: newer message', when: plain('j'), intent: selectKey({ kind: 'select-move', delta: 1 }), example: { input: 'j' } },
  { keys: 'e', help: 'in selection: edit your message (Enter saves, Esc gives up)', when: plain('e'), intent: selectKey({ kind: 'select-edit' }), example: { input: 'e' } },
  { keys: 'd', help: 'in selection: delete the message (asks first)', when: plain('d'), intent: selectKey({ kind: 'select-delete' }), example: { input: 'd' } },
  { keys: '+', help: 'in selection: react (type the emoji or :shortcode:, Enter toggles it)', when: plain('+'), intent: selectKey({ kind: 'select-react' }), example: { input: '+' } },
  { keys: 'r', help: 'in selection: reply in the thread of the message (opens it; Enter also opens it)', when: plain('r'), intent: selectKey({ kind: 'select-thread' }), example: { input: 'r' } },
  { keys: 'y', help: 'in selection: copy the text to the clipboard (OSC 52)', when: plain('y'), intent: selectKey({ kind: 'select-copy' }), example: { input: 'y' } },
  { keys: 'p', help: "in selection: the author's profile card (bio, picture, follows, recent posts)", when: plain('p'), intent: selectKey({ kind: 'select-profile' }), example: { input: 'p' } },
];
