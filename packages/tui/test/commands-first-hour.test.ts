import { describe, expect, it } from 'vitest';
import { parseLine, type Parsed } from '../src/commands/parse.js';
import { resolveArgs } from '../src/commands/resolve.js';
import { buildRequest } from '../src/commands/to-request.js';
import { boot } from './fixtures.js';

/* Issue 8's slash commands: /invite (create, list, revoke), /highlight, and /create --role. */
const world = boot();
const ctx = { currentRoomId: 'r-gen', nonce: () => 'nonce-1' };

function toRequest(line: string) {
  const p = parseLine(line) as Extract<Parsed, { kind: 'command' }>;
  expect(p.kind, line).toBe('command');
  const r = resolveArgs(world.world!, p.spec, p.args);
  if (!r.ok) return r;
  return buildRequest(p.spec, r.args, ctx);
}

describe('first-hour commands', () => {
  it('/invite with options, /invite list, /invite revoke', () => {
    expect(toRequest('/invite')).toEqual({ ok: true, type: 'invite.create', params: {} });
    expect(toRequest('/invite --uses 5 --expires 7d')).toEqual({ ok: true, type: 'invite.create', params: { uses: 5, expiresInSec: 7 * 86_400 } });
    expect(toRequest('/invite --expires=12h --role mods')).toEqual({ ok: true, type: 'invite.create', params: { expiresInSec: 43_200, roleId: 'role-mod' } });
    expect(toRequest('/invite list')).toEqual({ ok: true, type: 'invite.list', params: {} });
    expect(toRequest('/invite revoke ABCD2345EFGH')).toEqual({ ok: true, type: 'invite.revoke', params: { code: 'ABCD2345EFGH' } });
    expect(toRequest('/invite --expires soon')).toMatchObject({ ok: false, message: expect.stringContaining('not a duration') });
    expect(parseLine('/invite --forever')).toMatchObject({ kind: 'error', message: expect.stringContaining('unknown option --forever') });
    expect(parseLine('/invite --uses')).toMatchObject({ kind: 'error', message: expect.stringContaining('--uses needs a number') });
  });

  it('/create NAME --role ROLE creates the room already restricted', () => {
    expect(toRequest('/create staff --role mods')).toEqual({ ok: true, type: 'room.create', params: { name: 'staff', restrictedTo: ['role-mod'] } });
    expect(toRequest('/create staff private talk --role mods,owner')).toEqual({
      ok: true,
      type: 'room.create',
      params: { name: 'staff', topic: 'private talk', restrictedTo: ['role-mod', 'role-owner'] },
    });
    expect(toRequest('/create lounge')).toEqual({ ok: true, type: 'room.create', params: { name: 'lounge' } });
  });

  it('/highlight sets the words; alone it clears them', () => {
    expect(toRequest('/highlight deploy release')).toEqual({ ok: true, type: 'highlight.set', params: { words: ['deploy', 'release'] } });
    expect(toRequest('/highlight')).toEqual({ ok: true, type: 'highlight.set', params: { words: [] } });
  });
});
