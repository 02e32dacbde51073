import { COMMANDS } from '@open-discord/protocol';
import { describe, expect, it } from 'vitest';
import { complete } from '../src/commands/complete.js';
import { helpLines } from '../src/commands/help.js';
import { parseLine, type Parsed } from '../src/commands/parse.js';
import { resolveArgs } from '../src/commands/resolve.js';
import { buildRequest } from '../src/commands/to-request.js';
import { ALICE, boot } from './fixtures.js';

const world = boot();
const ctx = { currentRoomId: 'r-gen', nonce: () => 'nonce-1' };

function toRequest(line: string) {
  const p = parseLine(line) as Extract<Parsed, { kind: 'command' }>;
  expect(p.kind).toBe('command');
  const r = resolveArgs(world.world!, p.spec, p.args);
  if (!r.ok) return r;
  return buildRequest(p.spec, r.args, ctx);
}

describe('parsing', () => {
  it('plain text and // are messages', () => {
    expect(parseLine('hello /there')).toEqual({ kind: 'message', text: 'hello /there' });
    expect(parseLine('//slash')).toEqual({ kind: 'message', text: '/slash' });
  });

  it('splits words, rest-of-line and repeated arguments', () => {
    const p = parseLine('/create lounge a place  to sit');
    expect(p).toMatchObject({ kind: 'command', spec: { name: 'create' }, args: { name: 'lounge', topic: 'a place  to sit' } });
    expect(parseLine('/role perms mods +manage_rooms -mention_everyone')).toMatchObject({
      args: { role: 'mods', changes: ['+manage_rooms', '-mention_everyone'] },
    });
  });

  it('explains unknown commands, missing and extra arguments', () => {
    expect(parseLine('/frobnicate')).toMatchObject({ kind: 'error', message: expect.stringContaining('unknown command /frobnicate') });
    expect(parseLine('/nick')).toEqual({ kind: 'error', message: 'usage: /nick <nickname>' });
    expect(parseLine('/nick a b')).toMatchObject({ kind: 'error', message: expect.stringContaining('too many arguments') });
    expect(parseLine('/role fly')).toMatchObject({ kind: 'error', message: expect.stringContaining('create|delete|grant') });
  });

  it('/help lists every command of the shared table', () => {
    const help = helpLines();
    expect(help).toHaveLength(COMMANDS.length);
    for (const c of COMMANDS) expect(help.some((l) => l.includes(c.help))).toBe(true);
  });
});

describe('commands become requests with resolved ids', () => {
  it('maps every kind of argument', () => {
    expect(toRequest('/topic new topic here')).toEqual({ ok: true, type: 'room.update', params: { topic: 'new topic here', roomId: 'r-gen' } });
    expect(toRequest('/nick newme')).toEqual({ ok: true, type: 'nick.set', params: { nickname: 'newme' } });
    expect(toRequest('/color blue')).toEqual({ ok: true, type: 'color.set', params: { color: '#61afef' } });
    expect(toRequest('/color reset')).toEqual({ ok: true, type: 'color.set', params: { color: null } });
    expect(toRequest('/role grant @Alice mods')).toEqual({ ok: true, type: 'role.grant', params: { userId: ALICE, roleId: 'role-mod' } });
    expect(toRequest('/room move #ops none 2')).toEqual({ ok: true, type: 'room.move', params: { roomId: 'r-ops', categoryId: null, position: 2 } });
    expect(toRequest('/room restrict dev mods owner')).toEqual({ ok: true, type: 'room.restrict', params: { roomId: 'r-dev', roleIds: ['role-mod', 'role-owner'] } });
    expect(toRequest('/role perms mods +manage_rooms -mention_everyone')).toEqual({
      ok: true,
      type: 'role.update',
      params: { roleId: 'role-mod', add: ['manage_rooms'], remove: ['mention_everyone'] },
    });
    expect(toRequest('/category rename work Day job')).toEqual({ ok: true, type: 'category.update', params: { categoryId: 'c-work', name: 'Day job' } });
    expect(toRequest('/kick bob')).toEqual({ ok: true, type: 'member.kick', params: { userId: 'u-bob' } });
    expect(toRequest('/delete m42')).toEqual({ ok: true, type: 'message.delete', params: { messageId: 'm42' } });
  });

  it('every non-client command in the table builds a valid request from sample arguments', () => {
    // A duration every duration argument takes: within slowmode's six hours, above retention's one hour.
    const sample: Record<string, string> = { nick: 'alice', room: 'dev', role: 'mods', category: 'work', color: 'red', perm: '+manage_rooms', number: '1', word: 'abc', text: 'some text', duration: '2h' };
    for (const spec of COMMANDS.filter((c) => c.request !== 'client')) {
      const line = ['/' + spec.name, spec.sub, ...spec.args.map((a) => (a.option !== undefined ? undefined : sample[a.kind]))].filter(Boolean).join(' ');
      const r = toRequest(line);
      expect(r, line).toMatchObject({ ok: true, type: spec.request });
    }
  });

  it('says clearly what could not be resolved', () => {
    expect(toRequest('/kick nobody')).toEqual({ ok: false, message: 'no one here is called "nobody"' });
    expect(toRequest('/room open #nowhere')).toEqual({ ok: false, message: 'no room "#nowhere"' });
    expect(toRequest('/color chartreuse')).toMatchObject({ ok: false, message: expect.stringContaining('not a colour') });
    expect(toRequest('/role perms mods manage_rooms')).toMatchObject({ ok: false, message: expect.stringContaining('+perm or -perm') });
    expect(toRequest('/nick x')).toMatchObject({ ok: false, message: expect.stringContaining('/nick: nickname') });
  });
});

describe('Tab completion', () => {
  it('completes command names and sub-commands', () => {
    expect(complete(world.world!, '/to', 3)).toEqual({ start: 0, end: 3, candidates: ['/topic '] });
    expect(complete(world.world!, '/r', 2)?.candidates).toEqual(['/react ', '/rename-local ', '/retitle ', '/role ', '/room ']);
    expect(complete(world.world!, '/role g', 7)).toEqual({ start: 6, end: 7, candidates: ['grant '] });
  });

  it('completes by argument kind: nicks, rooms, roles, categories', () => {
    expect(complete(world.world!, '/role grant a', 13)?.candidates).toEqual(['alice ']);
    expect(complete(world.world!, '/role grant alice m', 19)?.candidates).toEqual(['mods ']);
    expect(complete(world.world!, '/join #d', 8)?.candidates).toEqual(['#dev ']);
    expect(complete(world.world!, '/room move ops n', 16)?.candidates).toEqual(['none ']);
    // Blocking and handing a group on take a nick.
    expect(complete(world.world!, '/bl', 3)?.candidates).toEqual(['/block ', '/blocked ']);
    expect(complete(world.world!, '/block a', 8)?.candidates).toEqual(['alice ']);
    expect(complete(world.world!, '/unblock a', 10)?.candidates).toEqual(['alice ']);
    expect(complete(world.world!, '/group o', 8)?.candidates).toEqual(['owner ']);
    expect(complete(world.world!, '/group owner a', 14)?.candidates).toEqual(['alice ']);
  });

  it('completes nicknames and rooms in plain text', () => {
    expect(complete(world.world!, 'al', 2)?.candidates).toEqual(['alice: ']);
    expect(complete(world.world!, 'hi @b', 5)?.candidates).toEqual(['@bob ']);
    expect(complete(world.world!, 'see #o', 6)?.candidates).toEqual(['#ops ']);
    expect(complete(world.world!, 'zz', 2)).toBeNull();
  });
});

describe('names with spaces', () => {
  const spaced = boot({ categories: [{ id: 'c-work', name: 'work', position: 0 }, { id: 'c-side', name: 'Side Projects', position: 1 }] });
  const req = (line: string) => {
    const p = parseLine(line) as Extract<Parsed, { kind: 'command' }>;
    expect(p.kind).toBe('command');
    const r = resolveArgs(spaced.world!, p.spec, p.args);
    return r.ok ? buildRequest(p.spec, r.args, ctx) : r;
  };

  it('quoted words are one argument; a quoted rest-of-line name loses its quotes, free text keeps them', () => {
    expect(req('/category rename "Side Projects" Projects')).toEqual({ ok: true, type: 'category.update', params: { categoryId: 'c-side', name: 'Projects' } });
    expect(req('/category rename "side projects" "Old Stuff"')).toMatchObject({ params: { name: 'Old Stuff' } });
    expect(req('/category delete "Side Projects"')).toEqual({ ok: true, type: 'category.delete', params: { categoryId: 'c-side' } });
    expect(req('/category create "Side Projects"')).toMatchObject({ params: { name: 'Side Projects' } });
    expect(req('/room move ops "Side Projects" 1')).toMatchObject({ params: { roomId: 'r-ops', categoryId: 'c-side', position: 1 } });
    expect(req('/topic "quoted" words')).toMatchObject({ params: { topic: '"quoted" words' } });
    expect(req('/topic "all quoted"')).toMatchObject({ params: { topic: '"all quoted"' } });
    expect(parseLine('/category delete "Side Projects')).toEqual({ kind: 'error', message: 'a quote (") is not closed' });
    expect(parseLine('/category delete "a \\"b\\" c"')).toMatchObject({ args: { category: 'a "b" c' } });
  });

  it('an unknown category is listed with the names quoted as they must be typed', () => {
    expect(req('/category delete Side')).toMatchObject({ ok: false, message: expect.stringContaining('"Side Projects"') });
  });

  it('Tab inserts the name quoted, from a bare or a quoted start', () => {
    const w = spaced.world!;
    expect(complete(w, '/category delete Si', 19)).toEqual({ start: 17, end: 19, candidates: ['"Side Projects" '] });
    expect(complete(w, '/category delete "Side P', 24)).toEqual({ start: 17, end: 24, candidates: ['"Side Projects" '] });
    expect(complete(w, '/room move ops ', 15)?.candidates).toEqual(['none ', '"Side Projects" ', 'work ']);
    expect(complete(w, '/category rename "Side Projects" P', 34)).toBeNull();
  });

  it('options: /create staff --role mods, anywhere before the topic, completed by kind', () => {
    expect(parseLine('/create staff --role mods')).toMatchObject({ args: { name: 'staff', roles: ['mods'] } });
    expect(parseLine('/create staff --role mods --role owner the staff room')).toMatchObject({
      args: { name: 'staff', roles: ['mods', 'owner'], topic: 'the staff room' },
    });
    expect(parseLine('/create staff --role')).toMatchObject({ kind: 'error', message: expect.stringContaining('--role needs a role') });
    expect(complete(spaced.world!, '/create staff --role m', 22)?.candidates).toEqual(['mods ']);
  });
});
