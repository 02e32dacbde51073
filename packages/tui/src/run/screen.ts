/*
 * The alternate screen keeps the user's shell scrollback intact: we switch to it on start and back on every way
 * out (quit, error, signal), so the terminal is never left in the chat's screen or with a hidden cursor.
 */
/*
 * Mouse reports (1000: buttons and the wheel, 1006: in SGR form) are asked for only on the alternate screen,
 * so the wheel scrolls the messages; they are switched off before leaving, on every way out, or the user's
 * shell would receive them as garbage. (Shift+drag still selects text in most terminals.)
 */
const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';
const ENTER = '\x1b[?1049h\x1b[H' + MOUSE_ON;
const LEAVE = MOUSE_OFF + '\x1b[?25h\x1b[?1049l';

let active = false;
const restore = () => {
  if (!active) return;
  active = false;
  process.stdout.write(LEAVE);
};

export function enterAltScreen(): void {
  if (active || !process.stdout.isTTY) return;
  active = true;
  process.stdout.write(ENTER);
  process.once('exit', restore);
}

export function leaveAltScreen(): void {
  restore();
}
