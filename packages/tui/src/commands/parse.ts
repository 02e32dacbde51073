import { COMMANDS, type CommandArg, type CommandSpec } from '@open-discord/protocol';
import { tokenize, type Token } from './tokens.js';

export type RawArgs = Record<string, string | string[]>;

export type Parsed =
  | { kind: 'message'; text: string }
  | { kind: 'command'; spec: CommandSpec; args: RawArgs }
  | { kind: 'error'; message: string };

/** Arguments typed in their place, in order (options are not). */
export const positional = (spec: CommandSpec): CommandArg[] => spec.args.filter((a) => a.option === undefined);
export const optionsOf = (spec: CommandSpec): CommandArg[] => spec.args.filter((a) => a.option !== undefined);

/**
 * Rest-of-line text that is a message or a topic is sent exactly as typed, quotes included; a rest-of-line
 * *name* (`/category rename "Side Projects" "Old Stuff"`) written as one quoted word loses its quotes.
 */
const FREE_TEXT = new Set(['topic', 'action']);

/** `/category rename <category> <name…>` — the usage line shown in errors and in /help. */
export function usage(spec: CommandSpec): string {
  const show = (a: CommandArg) => {
    const inner = `${a.name}${a.many || a.rest ? '…' : ''}`;
    return a.optional ? `[${inner}]` : `<${inner}>`;
  };
  const pos = positional(spec);
  const opts = optionsOf(spec).map((a) => `[--${a.option} <${a.kind}>]${a.many ? '…' : ''}`);
  const fixed = pos.filter((a) => !a.rest).map(show);
  const rest = pos.filter((a) => a.rest).map(show);
  return ['/' + spec.name, spec.sub, ...fixed, ...opts, ...rest].filter(Boolean).join(' ');
}

export function commandsNamed(name: string): CommandSpec[] {
  return COMMANDS.filter((c) => c.name === name.toLowerCase());
}

/**
 * Split an input line into a chat message or a command with its raw (unresolved) arguments, using the shared
 * command table. A line starting with `//` sends a message that starts with `/`. Words may be quoted
 * ("Side Projects"); options (`--role mods`) may come anywhere before a rest-of-line argument.
 */
export function parseLine(line: string): Parsed {
  if (!line.startsWith('/') || line.startsWith('//')) {
    return { kind: 'message', text: line.startsWith('//') ? line.slice(1) : line };
  }
  const { tokens: all, open } = tokenize(line, 1);
  if (open) return { kind: 'error', message: 'a quote (") is not closed' };
  const name = all[0]?.value ?? '';
  const candidates = commandsNamed(name);
  if (candidates.length === 0) return { kind: 'error', message: `unknown command /${name} — /help lists them` };
  let spec = candidates.find((c) => c.sub === undefined);
  let at = 1;
  if (!spec) {
    const sub = all[1]?.value.toLowerCase() ?? '';
    spec = candidates.find((c) => c.sub === sub);
    if (!spec) return { kind: 'error', message: `usage: /${name} ${candidates.map((c) => c.sub).join('|')} …` };
    at = 2;
  }
  const r = parseArgs(spec, line, all.slice(at));
  return r.ok ? { kind: 'command', spec, args: r.args } : { kind: 'error', message: r.message };
}

function parseArgs(spec: CommandSpec, line: string, tokens: Token[]): { ok: true; args: RawArgs } | { ok: false; message: string } {
  const pos = positional(spec);
  const args: RawArgs = {};
  const push = (arg: CommandArg, value: string) => {
    if (arg.many) args[arg.name] = [...((args[arg.name] as string[] | undefined) ?? []), value];
    else args[arg.name] = value;
  };
  let p = 0;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (!tok.quoted && tok.value.startsWith('--')) {
      const opt = optionsOf(spec).find((a) => a.option === tok.value.slice(2).toLowerCase());
      if (opt) {
        const value = tokens[++t];
        if (!value) return { ok: false, message: `--${opt.option} needs a ${opt.kind} — usage: ${usage(spec)}` };
        push(opt, value.value);
        continue;
      }
    }
    const arg = pos[p];
    if (!arg) return { ok: false, message: `too many arguments — usage: ${usage(spec)}` };
    const isLast = p === pos.length - 1;
    if (arg.rest && isLast) {
      const raw = line.slice(tok.start).trim();
      const words = tokenize(raw).tokens;
      const single = words.length === 1 && words[0]!.quoted && words[0]!.end === raw.length;
      args[arg.name] = single && !FREE_TEXT.has(arg.name) ? words[0]!.value : raw;
      break;
    }
    push(arg, tok.value);
    if (!(arg.many && isLast)) p++;
  }
  for (const arg of pos) {
    if (args[arg.name] === undefined && !arg.optional) return { ok: false, message: `usage: ${usage(spec)}` };
  }
  return { ok: true, args };
}
