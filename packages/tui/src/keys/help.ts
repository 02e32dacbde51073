import { KEY_BINDINGS } from './bindings.js';

/** The key part of the help screen, generated from the binding table: one binding a line, keys aligned. */
export function keyHelpLines(): string[] {
  const width = Math.max(...KEY_BINDINGS.map((b) => b.keys.length));
  return KEY_BINDINGS.map((b) => `${b.keys.padEnd(width)}  ${b.help}`);
}
