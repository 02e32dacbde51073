import { COMMANDS } from '@open-discord/protocol';
import { keyHelpLines } from '../keys/help.js';
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

/** The /help overlay: the commands (or one of them), then every key binding when no command was named. */
export function helpScreen(only?: string): string[] {
  return only ? helpLines(only) : [...helpLines(), '', ...keyHelpLines()];
}
