import { COMMANDS } from '@open-discord/protocol';
import { usage } from './parse.js';

/** The /help text: every command in the shared table, with its usage and one line of help. */
export function helpLines(only?: string): string[] {
  const name = only?.replace(/^\//, '').toLowerCase();
  const specs = name ? COMMANDS.filter((c) => c.name === name) : COMMANDS;
  if (specs.length === 0) return [`unknown command /${name}`];
  const rows = specs.map((c) => [usage(c), c.help] as const);
  const width = Math.max(...rows.map(([u]) => u.length));
  return rows.map(([u, h]) => `${u.padEnd(width)}  ${h}`);
}

export const KEY_HELP: readonly string[] = [
  'Alt+1..9 room by number   Ctrl+N/Ctrl+P next/previous room   Alt+A next room with activity',
  'Ctrl+K switch room        PgUp/PgDn scroll   Ctrl+End/Esc back to newest',
  'Tab complete   Up/Down input history   Alt+Enter new line   Ctrl+R retry failed send',
  'Esc closes this   Ctrl+C or /quit exits',
];
