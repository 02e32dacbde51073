import { COMMANDS, type CommandSpec } from '@open-discord/protocol';

export type RawArgs = Record<string, string | string[]>;

export type Parsed =
  | { kind: 'message'; text: string }
  | { kind: 'command'; spec: CommandSpec; args: RawArgs }
  | { kind: 'error'; message: string };

/** `/role grant <nick> <role>` — the usage line shown in errors and in /help. */
export function usage(spec: CommandSpec): string {
  const args = spec.args.map((a) => {
    if (a.flag) return `[--${a.name} ${a.kind === 'duration' ? '7d' : a.kind.toUpperCase()}]`;
    const inner = `${a.name}${a.many ? '…' : ''}`;
    return a.optional ? `[${inner}]` : `<${inner}>`;
  });
  return ['/' + spec.name, spec.sub, ...args].filter(Boolean).join(' ');
}

export function commandsNamed(name: string): CommandSpec[] {
  return COMMANDS.filter((c) => c.name === name.toLowerCase());
}

/**
 * Split an input line into a chat message or a command with its raw (unresolved) arguments, using the shared
 * command table. A line starting with `//` sends a message that starts with `/`.
 */
export function parseLine(line: string): Parsed {
  if (!line.startsWith('/') || line.startsWith('//')) {
    return { kind: 'message', text: line.startsWith('//') ? line.slice(1) : line };
  }
  let rest = line.slice(1);
  const name = takeWord(rest);
  rest = name.rest;
  const candidates = commandsNamed(name.word);
  if (candidates.length === 0) return { kind: 'error', message: `unknown command /${name.word} — /help lists them` };
  // A sub-command word wins (`/invite list`); else the command without one (`/invite --uses 5`).
  const sub = takeWord(rest);
  let spec = candidates.find((c) => c.sub !== undefined && c.sub === sub.word.toLowerCase());
  if (spec) rest = sub.rest;
  else spec = candidates.find((c) => c.sub === undefined);
  if (!spec) {
    return { kind: 'error', message: `usage: /${name.word} ${candidates.map((c) => c.sub).join('|')} …` };
  }
  const args: RawArgs = {};
  const flags = takeFlags(spec, rest);
  if ('error' in flags) return { kind: 'error', message: `${flags.error} — usage: ${usage(spec)}` };
  rest = flags.rest;
  Object.assign(args, flags.args);
  const positional = spec.args.filter((a) => !a.flag);
  for (const [i, arg] of positional.entries()) {
    const isLast = i === positional.length - 1;
    if (arg.rest && isLast) {
      const value = rest.trim();
      rest = '';
      if (value) args[arg.name] = value;
    } else if (arg.many && isLast) {
      const words = rest.trim().split(/\s+/).filter(Boolean);
      rest = '';
      if (words.length) args[arg.name] = words;
    } else {
      const w = takeWord(rest);
      rest = w.rest;
      if (w.word) args[arg.name] = w.word;
    }
    if (args[arg.name] === undefined && !arg.optional) {
      return { kind: 'error', message: `usage: ${usage(spec)}` };
    }
  }
  if (rest.trim()) return { kind: 'error', message: `too many arguments — usage: ${usage(spec)}` };
  return { kind: 'command', spec, args };
}

/**
 * Pull `--name VALUE` (or `--name=VALUE`) flags of the spec out of the line, anywhere on it; the rest of
 * the line keeps its spacing. A `many` flag may repeat or take a comma-separated list.
 */
function takeFlags(spec: CommandSpec, line: string): { args: RawArgs; rest: string } | { error: string } {
  const flagArgs = spec.args.filter((a) => a.flag);
  if (flagArgs.length === 0) return { args: {}, rest: line };
  const args: RawArgs = {};
  const tokens = [...line.matchAll(/\S+/g)];
  const cut: Array<[number, number]> = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(t[0]);
    if (!m) continue;
    const arg = flagArgs.find((a) => a.name === m[1]);
    if (!arg) return { error: `unknown option ${t[0]}` };
    let end = t.index + t[0].length;
    let value = m[2];
    if (value === undefined) {
      const next = tokens[++i];
      value = next?.[0];
      if (next) end = next.index + next[0].length;
    }
    if (value === undefined || value === '') return { error: `--${arg.name} needs a value` };
    cut.push([t.index, end]);
    if (arg.many) args[arg.name] = [...((args[arg.name] as string[] | undefined) ?? []), ...value.split(',').filter(Boolean)];
    else args[arg.name] = value;
  }
  let rest = line;
  for (const [from, to] of cut.reverse()) rest = rest.slice(0, from) + rest.slice(to);
  return { args, rest };
}

function takeWord(s: string): { word: string; rest: string } {
  const t = s.replace(/^\s+/, '');
  const m = /^\S*/.exec(t)!;
  return { word: m[0], rest: t.slice(m[0].length) };
}
