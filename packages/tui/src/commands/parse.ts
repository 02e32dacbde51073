import { COMMANDS, type CommandSpec } from '@open-discord/protocol';

export type RawArgs = Record<string, string | string[]>;

export type Parsed =
  | { kind: 'message'; text: string }
  | { kind: 'command'; spec: CommandSpec; args: RawArgs }
  | { kind: 'error'; message: string };

/** `/role grant <nick> <role>` — the usage line shown in errors and in /help. */
export function usage(spec: CommandSpec): string {
  const args = spec.args.map((a) => {
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
  let spec = candidates.find((c) => c.sub === undefined);
  if (!spec) {
    const sub = takeWord(rest);
    spec = candidates.find((c) => c.sub === sub.word.toLowerCase());
    if (!spec) {
      return { kind: 'error', message: `usage: /${name.word} ${candidates.map((c) => c.sub).join('|')} …` };
    }
    rest = sub.rest;
  }
  const args: RawArgs = {};
  for (const [i, arg] of spec.args.entries()) {
    const isLast = i === spec.args.length - 1;
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

function takeWord(s: string): { word: string; rest: string } {
  const t = s.replace(/^\s+/, '');
  const m = /^\S*/.exec(t)!;
  return { word: m[0], rest: t.slice(m[0].length) };
}
