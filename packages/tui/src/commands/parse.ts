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
const FREE_TEXT = new Set(['topic', 'action', 'text']);

/** `/category rename <category> <name…>` — the usage line shown in errors and in /help. */
export function usage(spec: CommandSpec): string {
  const show = (a: CommandArg) => {
    const inner = `${a.name}${a.many || a.rest ? '…' : ''}`;
    return a.optional ? `[${inner}]` : `<${inner}>`;
  };
  const pos = positional(spec);
  const opts = optionsOf(spec).map((a) => `[--${a.option} ${a.kind === 'duration' ? '7d' : `<${a.kind}>`}]${a.many ? '…' : ''}`);
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
  // A sub-command word wins (`/invite list`); else the command without one (`/invite --uses 5`).
  const subWord = all[1] && !all[1].quoted ? all[1].value.toLowerCase() : '';
  let spec = candidates.find((c) => c.sub !== undefined && c.sub === subWord);
  let at = 2;
  if (!spec) {
    spec = candidates.find((c) => c.sub === undefined);
    at = 1;
    if (!spec) return { kind: 'error', message: `usage: /${name} ${candidates.map((c) => c.sub).join('|')} …` };
  }
  const opts = takeOptions(spec, line, all.slice(at));
  if (!opts.ok) return { kind: 'error', message: `${opts.message} — usage: ${usage(spec)}` };
  // The positional arguments are read from the line with the options cut out, so a rest-of-line argument
  // (a topic) may come before or after them: `/create staff private talk --role mods`.
  const rest = tokenize(opts.line, at === 0 ? 1 : (all[at - 1]?.end ?? 1)).tokens;
  const r = parseArgs(spec, opts.line, rest, opts.args);
  return r.ok ? { kind: 'command', spec, args: r.args } : { kind: 'error', message: r.message };
}

/**
 * Pull the spec's `--name VALUE` (or `--name=VALUE`) options out of the line, wherever they are; a `many`
 * option may repeat or take a comma-separated list. Returns the line with them cut out (same offsets before
 * the first cut, so the command and sub-command words keep their places).
 */
function takeOptions(spec: CommandSpec, line: string, tokens: Token[]): { ok: true; args: RawArgs; line: string } | { ok: false; message: string } {
  const options = optionsOf(spec);
  const args: RawArgs = {};
  if (options.length === 0) return { ok: true, args, line };
  const cuts: Array<[number, number]> = [];
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    const m = tok.quoted ? null : /^--([a-z][a-z-]*)(?:=(.*))?$/i.exec(tok.value);
    if (!m) continue;
    const opt = options.find((a) => a.option === m[1]!.toLowerCase());
    if (!opt) return { ok: false, message: `unknown option --${m[1]}` };
    let value = m[2];
    let end = tok.end;
    if (value === undefined) {
      const next = tokens[t + 1];
      if (next && !(!next.quoted && next.value.startsWith('--'))) {
        value = next.value;
        end = next.end;
        t++;
      }
    }
    if (value === undefined || value === '') return { ok: false, message: `--${opt.option} needs a ${opt.kind === 'word' ? 'value' : opt.kind}` };
    cuts.push([tok.start, end]);
    const values = opt.many ? value.split(',').filter(Boolean) : [value];
    args[opt.name] = opt.many ? [...((args[opt.name] as string[] | undefined) ?? []), ...values] : value;
  }
  let cleaned = line;
  for (const [from, to] of cuts.reverse()) cleaned = cleaned.slice(0, from) + cleaned.slice(to);
  return { ok: true, args, line: cleaned };
}

function parseArgs(spec: CommandSpec, line: string, tokens: Token[], options: RawArgs): { ok: true; args: RawArgs } | { ok: false; message: string } {
  const pos = positional(spec);
  const args: RawArgs = { ...options };
  const push = (arg: CommandArg, value: string) => {
    if (arg.many) args[arg.name] = [...((args[arg.name] as string[] | undefined) ?? []), value];
    else args[arg.name] = value;
  };
  let p = 0;
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
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
