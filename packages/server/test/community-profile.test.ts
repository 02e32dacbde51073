import { afterEach, describe, expect, it } from 'vitest';
import { expectConvergent, Harness, liveEvent, member, refused } from './community-support.js';

const h = new Harness();
afterEach(() => h.release());

describe('nicknames and colours', () => {
  it('/nick: everyone sees the change live; old messages resolve to the new nickname by id', async () => {
    const server = await h.server();
    const alice = await member(server.url, 'alice');
    const bob = await member(server.url, 'bob');
    const a = await h.connect(server.url, alice.token);
    const b = await h.connect(server.url, bob.token);
    const { room } = await a.call('room.create', { name: 'lobby' });
    await b.call('room.join', { roomId: room.id });
    const { message } = await a.call('message.send', { roomId: room.id, text: 'hi', nonce: 'n1' });

    const { user } = await a.call('nick.set', { nickname: 'Alicia' });
    expect(user).toMatchObject({ id: alice.id, nickname: 'Alicia' });
    const seen = await liveEvent(b, (e) => e.type === 'user.updated' && e.data.user.nickname === 'Alicia');
    expect(seen.data.user.id).toBe(alice.id);
    // Payloads carry ids, so history needs no rewrite: the author id resolves to the new nickname.
    const { messages } = await b.call('history', { roomId: room.id });
    expect(messages[0]).toMatchObject({ id: message.id, authorId: alice.id });
    expect(seen.data.user).not.toHaveProperty('username');
    const state = await expectConvergent(server.url, bob.token, h);
    expect(state.users.find((u) => u.id === alice.id)!.nickname).toBe('Alicia');
  });

  it('nicknames are unique across case, compatibility forms and case-folding quirks; mixed scripts are refused', async () => {
    const server = await h.server();
    const alice = await member(server.url, 'alice');
    const bob = await member(server.url, 'bob');
    const a = await h.connect(server.url, alice.token);
    const b = await h.connect(server.url, bob.token);
    const conflicts = async (names: string[]) => {
      const headBefore = server.head();
      for (const lookalike of names) {
        const err = await refused(b, 'nick.set', { nickname: lookalike });
        expect(err.code).toBe('CONFLICT');
        expect(err.message).toMatch(/taken/);
      }
      expect(server.head()).toBe(headBefore);
    };
    await conflicts(['ALICE', 'Alice', 'ａｌｉｃｅ' /* fullwidth */]);
    await a.call('nick.set', { nickname: 'Straße' });
    await conflicts(['STRASSE', 'strasse', 'Ｓtraße']);
    // Bob's own name in another case is fine for bob; a fullwidth form is stored as the plain letters.
    expect((await b.call('nick.set', { nickname: 'ＢＯＢ' })).user.nickname).toBe('BOB');
    for (const bad of ['pаypal' /* Cyrillic а */, 'a b', 'x', 'zero\u200bwidth', '@bob']) {
      const err = await refused(b, 'nick.set', { nickname: bad });
      expect(err.code).toBe('BAD_REQUEST');
    }
    // Signup nicknames obey the same rules.
    const r = await fetch(`${server.url}/api/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol', password: 'correct horse', nickname: 'ＳＴＲＡＳＳＥ' }),
    });
    const body = (await r.json()) as any;
    // A taken nickname (here a look-alike of one) is refused at signup, never silently changed.
    expect(r.status).toBe(409);
    expect(body.error).toEqual({ code: 'CONFLICT', message: 'that nickname is taken' });
  });

  it('/color sets a colour and reset returns to the default; same-value writes no event', async () => {
    const server = await h.server();
    const alice = await member(server.url, 'alice');
    const bob = await member(server.url, 'bob');
    const a = await h.connect(server.url, alice.token);
    const b = await h.connect(server.url, bob.token);
    expect((await a.call('color.set', { color: '#e06c75' })).user.color).toBe('#e06c75');
    await liveEvent(b, (e) => e.type === 'user.updated' && e.data.user.color === '#e06c75');
    const head = server.head();
    await a.call('color.set', { color: '#e06c75' });
    expect(server.head()).toBe(head);
    expect((await refused(a, 'color.set', { color: 'red' })).code).toBe('BAD_REQUEST');
    expect((await a.call('color.set', { color: null })).user.color).toBeNull();
    await liveEvent(b, (e) => e.type === 'user.updated' && e.data.user.id === alice.id && e.data.user.color === null);
    const state = await expectConvergent(server.url, bob.token, h);
    expect(state.users.find((u) => u.id === alice.id)!.color).toBeNull();
  });
});
