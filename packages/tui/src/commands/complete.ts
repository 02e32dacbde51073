import { COMMANDS, PERMISSIONS, type ArgKind, type World as FullWorld } from '@open-discord/protocol';
import { roomLabelOf } from '../state/rooms/selectors.js';
import { commandsNamed } from './parse.js';

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

/**
 * What Tab completes at `cursor`: command names at the start of a `/` line, sub-commands after them, then
 * nicknames, rooms, roles or categories by the argument's kind. In plain text `@` and `#` pick nicks and rooms,
 * a bare word completes a nickname (with `: ` when it starts the line, as IRC clients do).
 */
export function complete(world: World, text: string, cursor: number): Completion | null {
  const before = text.slice(0, cursor);
  const start = before.search(/\S*$/);
  const word = before.slice(start);
  const tokens = before.slice(0, start).trim().split(/\s+/).filter(Boolean);
  const result = (candidates: string[]): Completion | null => {
    const uniq = [...new Set(candidates)];
    return uniq.length ? { start, end: cursor, candidates: uniq } : null;
  };

  if (text.startsWith('/') && !text.startsWith('//')) {
    if (tokens.length === 0) {
      const names = [...new Set(COMMANDS.map((c) => c.name))].sort();
      return result(names.map((n) => '/' + n).filter(starts(word)).map((n) => n + ' '));
    }
    const specs = commandsNamed(tokens[0]!.slice(1));
    if (specs.length === 0) return null;
    const hasSubs = specs.every((s) => s.sub !== undefined);
    if (hasSubs && tokens.length === 1) {
      return result(specs.map((s) => s.sub!).filter(starts(word)).map((s) => s + ' '));
    }
    const spec = hasSubs ? specs.find((s) => s.sub === tokens[1]?.toLowerCase()) : specs[0];
    if (!spec) return null;
    const argIndex = tokens.length - (hasSubs ? 2 : 1);
    const last = spec.args[spec.args.length - 1];
    const arg = spec.args[argIndex] ?? (last?.many ? last : undefined);
    if (arg?.kind === 'perm') {
      // `+perm` adds, `-perm` removes; a bare word is completed as an addition.
      const sign = word.startsWith('-') ? '-' : '+';
      const rest = /^[+-]/.test(word) ? word.slice(1) : word;
      return result(PERMISSIONS.filter(starts(rest)).map((p) => `${sign}${p} `));
    }
    if (arg && arg.kind !== 'text') {
      const names = namesFor(world, arg.kind).sort(sortCi);
      const prefix = arg.kind === 'room' && word.startsWith('#') ? '#' : '';
      return result(names.filter(starts(word.slice(prefix.length))).map((n) => prefix + n + ' '));
    }
  }
  if (word.startsWith('#')) {
    return result(namesFor(world, 'room').sort(sortCi).filter(starts(word.slice(1))).map((n) => `#${n} `));
  }
  const bare = word.replace(/^@/, '');
  if (!bare) return null;
  const nicks = namesFor(world, 'nick')
    .filter((n) => n !== world.me.nickname)
    .sort(sortCi)
    .filter(starts(bare));
  const at = word.startsWith('@') ? '@' : '';
  const suffix = start === 0 && !at ? ': ' : ' ';
  return result(nicks.map((n) => at + n + suffix));
}
