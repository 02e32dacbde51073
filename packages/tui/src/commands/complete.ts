import { COMMANDS, PERMISSIONS, SHORTCODE_NAMES, type ArgKind, type CommandArg, type World as FullWorld } from '@open-discord/protocol';
import { roomLabelOf } from '../state/rooms/selectors.js';
import { commandsNamed, optionsOf, positional } from './parse.js';
import { quoteName, tokenize } from './tokens.js';

export interface Completion {
  start: number;
  end: number;
  candidates: string[];
}

type World = Pick<FullWorld, 'users' | 'rooms' | 'roles' | 'categories' | 'me'>;

const starts = (word: string) => (name: string) => name.toLowerCase().startsWith(word.toLowerCase());
const sortCi = (a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase());

function namesFor(world: World, kind: ArgKind): string[] {
  switch (kind) {
    case 'nick':
      return Object.values(world.users).map((u) => u.nickname);
    case 'room':
      return Object.values(world.rooms).map((r) => roomLabelOf(world, r));
    case 'role':
      return Object.values(world.roles).map((r) => r.name);
    case 'category':
      return [...Object.values(world.categories).map((c) => c.name), 'none'];
    default:
      return [];
  }
}

const candidatesOf = (uniq: string[], start: number, end: number): Completion | null =>
  uniq.length ? { start, end, candidates: [...new Set(uniq)] } : null;

/**
 * What Tab completes at `cursor`: command names at the start of a `/` line, sub-commands after them, then
 * nicknames, rooms, roles or categories by the argument's kind. In plain text `@` and `#` pick nicks and rooms,
 * a bare word completes a nickname (with `: ` when it starts the line, as IRC clients do).
 */
export function complete(world: World, text: string, cursor: number): Completion | null {
  const before = text.slice(0, cursor);
  if (text.startsWith('/') && !text.startsWith('//')) return completeCommand(world, before, cursor);
  const start = before.search(/\S*$/);
  const word = before.slice(start);
  if (word.startsWith('#')) {
    return candidatesOf(namesFor(world, 'room').sort(sortCi).filter(starts(word.slice(1))).map((n) => `#${n} `), start, cursor);
  }
  const bare = word.replace(/^@/, '');
  if (!bare) return null;
  const nicks = namesFor(world, 'nick')
    .filter((n) => n !== world.me.nickname)
    .sort(sortCi)
    .filter(starts(bare));
  const at = word.startsWith('@') ? '@' : '';
  const suffix = start === 0 && !at ? ': ' : ' ';
  return candidatesOf(nicks.map((n) => at + n + suffix), start, cursor);
}

/**
 * Inside a slash command the words are the command's tokens (quotes understood), so a name with spaces
 * completes from `"Side P` as well as from `Side`, and is inserted quoted: `"Side Projects" `.
 */
function completeCommand(world: World, before: string, cursor: number): Completion | null {
  const { tokens, open } = tokenize(before, 1);
  const typing = open || (tokens.length > 0 && !/\s$/.test(before));
  const current = typing ? tokens[tokens.length - 1]! : null;
  const done = typing ? tokens.slice(0, -1) : tokens;
  const start = current ? current.start : cursor;
  const word = current?.value ?? '';
  const result = (candidates: string[]) => candidatesOf(candidates, start, cursor);

  if (done.length === 0) {
    const names = [...new Set(COMMANDS.map((c) => c.name))].sort();
    return candidatesOf(names.filter(starts(word)).map((n) => `/${n} `), 0, cursor);
  }
  const specs = commandsNamed(done[0]!.value);
  if (specs.length === 0) return null;
  const hasSubs = specs.every((s) => s.sub !== undefined);
  if (hasSubs && done.length === 1) return result(specs.map((s) => s.sub!).filter(starts(word)).map((s) => s + ' '));
  const spec = hasSubs ? specs.find((s) => s.sub === done[1]?.value.toLowerCase()) : specs[0];
  if (!spec) return null;

  // Which argument the word is: the value of an option just named, else the next positional one.
  const args = done.slice(hasSubs ? 2 : 1);
  let arg: CommandArg | undefined;
  let index = 0;
  for (let i = 0; i < args.length; i++) {
    const opt = !args[i]!.quoted && optionsOf(spec).find((a) => `--${a.option}` === args[i]!.value.toLowerCase());
    if (opt) {
      if (i === args.length - 1) arg = opt;
      i++;
      continue;
    }
    index++;
  }
  if (!arg) {
    const pos = positional(spec);
    const last = pos[pos.length - 1];
    arg = pos[index] ?? (last?.many ? last : undefined);
  }
  if (!arg) return null;
  if (arg.kind === 'perm') {
    // `+perm` adds, `-perm` removes; a bare word is completed as an addition.
    const sign = word.startsWith('-') ? '-' : '+';
    const rest = /^[+-]/.test(word) ? word.slice(1) : word;
    return result(PERMISSIONS.filter(starts(rest)).map((p) => `${sign}${p} `));
  }
  // /react's emoji: the shortcodes every client and bot knows (the protocol's table).
  if (spec.name === 'react' && arg.name === 'emoji') return result(SHORTCODE_NAMES.map((n) => `:${n}:`).filter(starts(word)).map((n) => n + ' '));
  if (arg.kind === 'text') return null;
  const names = namesFor(world, arg.kind).sort(sortCi);
  const prefix = arg.kind === 'room' && word.startsWith('#') ? '#' : '';
  return result(names.filter(starts(word.slice(prefix.length))).map((n) => prefix + quoteName(n) + ' '));
}
