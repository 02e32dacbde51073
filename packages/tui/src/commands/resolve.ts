import { NAMED_COLORS, PERMISSIONS, type ArgKind, type CommandSpec, type Permission } from '@open-discord/protocol';
import type { World as FullWorld } from '@open-discord/protocol';
import { roomLabelOf } from '../state/rooms/selectors.js';
import type { RawArgs } from './parse.js';
import { quoteName } from './tokens.js';

export type Resolved = string | number | null | string[] | { add: Permission[]; remove: Permission[] };
export type ResolveResult = { ok: true; args: Record<string, Resolved> } | { ok: false; message: string };

type World = Pick<FullWorld, 'users' | 'rooms' | 'roles' | 'categories' | 'me'>;

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function findUser(world: World, nick: string): string | null {
  const n = nick.replace(/^@/, '');
  return Object.values(world.users).find((u) => eq(u.nickname, n))?.id ?? null;
}

export function findRoom(world: World, name: string): string | null {
  const n = name.replace(/^#/, '');
  const rooms = Object.values(world.rooms);
  return (rooms.find((r) => eq(r.name, n)) ?? rooms.find((r) => eq(roomLabelOf(world, r), n)))?.id ?? null;
}

/** Turn one word into what the request needs, by the argument's kind. */
function resolveOne(world: World, kind: ArgKind, value: string): { ok: true; value: Resolved } | { ok: false; message: string } {
  switch (kind) {
    case 'nick': {
      const id = findUser(world, value);
      return id ? { ok: true, value: id } : { ok: false, message: `no one here is called "${value.replace(/^@/, '')}"` };
    }
    case 'room': {
      const id = findRoom(world, value);
      return id ? { ok: true, value: id } : { ok: false, message: `no room "#${value.replace(/^#/, '')}"` };
    }
    case 'role': {
      const role = Object.values(world.roles).find((r) => eq(r.name, value.replace(/^@/, '')));
      if (role) return { ok: true, value: role.id };
      const known = Object.values(world.roles)
        .sort((a, b) => b.position - a.position)
        .map((r) => r.name);
      return { ok: false, message: `no role "${value}" — roles are ${known.join(', ') || '(none)'}` };
    }
    case 'category': {
      if (eq(value, 'none')) return { ok: true, value: null };
      const cat = Object.values(world.categories).find((c) => eq(c.name, value));
      if (cat) return { ok: true, value: cat.id };
      const known = Object.values(world.categories)
        .sort((a, b) => a.position - b.position)
        .map((c) => quoteName(c.name));
      return { ok: false, message: `no category "${value}" — categories are ${[...known, 'none (uncategorised)'].join(', ')}` };
    }
    case 'color': {
      const v = value.toLowerCase();
      if (v === 'reset' || v === 'none' || v === 'default') return { ok: true, value: null };
      const named = NAMED_COLORS[v];
      if (named) return { ok: true, value: named };
      if (/^#[0-9a-f]{6}$/.test(v)) return { ok: true, value: v };
      return { ok: false, message: `"${value}" is not a colour: use #rrggbb, reset, or one of ${Object.keys(NAMED_COLORS).join(' ')}` };
    }
    case 'number': {
      const n = Number(value);
      return Number.isInteger(n) ? { ok: true, value: n } : { ok: false, message: `"${value}" is not a whole number` };
    }
    case 'duration': {
      // 30m, 12h, 7d, 2w → seconds (the unit a request takes); `off` is 0 where a request allows it.
      if (/^(off|0)$/i.test(value.trim())) return { ok: true, value: 0 };
      // Back to the server's own setting, where a request takes null for it (a room's retention).
      if (/^default$/i.test(value.trim())) return { ok: true, value: null };
      const m = /^(\d+)([smhdw])$/.exec(value.trim().toLowerCase());
      const unit = m ? { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'] : 0;
      return m && Number(m[1]) > 0 ? { ok: true, value: Number(m[1]) * unit } : { ok: false, message: `"${value}" is not a duration: write e.g. 30m, 12h, 7d or 2w` };
    }
    default:
      return { ok: true, value };
  }
}

function resolvePerms(values: string[]): { ok: true; value: Resolved } | { ok: false; message: string } {
  const add: Permission[] = [];
  const remove: Permission[] = [];
  for (const v of values) {
    const sign = v[0];
    const name = v.slice(1) as Permission;
    if ((sign !== '+' && sign !== '-') || !PERMISSIONS.includes(name)) {
      return { ok: false, message: `"${v}": write +perm or -perm, perms are ${PERMISSIONS.join(' ')}` };
    }
    (sign === '+' ? add : remove).push(name);
  }
  return { ok: true, value: { add, remove } };
}

/** Resolve nicknames, rooms, roles, categories, colours and permissions named in a command to ids/values. */
export function resolveArgs(world: World, spec: CommandSpec, raw: RawArgs): ResolveResult {
  if (spec.name === 'category' && typeof raw.name === 'string' && eq(raw.name.trim(), 'none')) {
    // `none` is how commands say "uncategorised", so a category by that name could never be named.
    return { ok: false, message: '"none" means uncategorised: choose another category name' };
  }
  const args: Record<string, Resolved> = {};
  for (const arg of spec.args) {
    const value = raw[arg.name];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (arg.kind === 'perm') {
        const r = resolvePerms(value);
        if (!r.ok) return r;
        args[arg.name] = r.value;
        continue;
      }
      const out: string[] = [];
      for (const v of value) {
        const r = resolveOne(world, arg.kind, v);
        if (!r.ok) return r;
        out.push(String(r.value));
      }
      args[arg.name] = out;
    } else {
      const r = resolveOne(world, arg.kind, value);
      if (!r.ok) return r;
      args[arg.name] = r.value;
    }
  }
  return { ok: true, args };
}
