/*
 * The alternate screen keeps the user's shell scrollback intact: we switch to it on start and back on every way
 * out (quit, error, signal), so the terminal is never left in the chat's screen or with a hidden cursor.
 */
const ENTER = '\x1b[?1049h\x1b[H';
const LEAVE = '\x1b[?25h\x1b[?1049l';

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
