import { afterEach, describe, expect, it } from 'vitest';
import { Harness, liveEvent, refused } from './community-support.js';

const h = new Harness();
afterEach(() => h.release());

/* Finding 12: a resent old nonce returned the original message even from a room the sender could no longer see. */
describe('nonce retries', () => {
  it('a resent nonce returns the original only while the sender can still see its room; else the hidden-room error', async () => {
    const { members, clients } = await h.community('owner', 'alice');
    const [owner, alice] = clients as [any, any];
    const mods = (await owner.call('role.create', { name: 'mods' })).role;
    await owner.call('role.grant', { userId: members[1]!.id, roleId: mods.id });
    const { room } = await owner.call('room.create', { name: 'staff', restrictedTo: [mods.id] });
    await alice.call('room.join', { roomId: room.id });
    const sent = (await alice.call('message.send', { roomId: room.id, text: 'secret', nonce: 'n1' })).message;
    const again = (await alice.call('message.send', { roomId: room.id, text: 'secret', nonce: 'n1' })).message;
    expect(again).toEqual(sent);
    await owner.call('role.revoke', { userId: members[1]!.id, roleId: mods.id });
    const hidden = await refused(alice, 'message.send', { roomId: room.id, text: 'secret', nonce: 'n1' });
    const missing = await refused(alice, 'message.send', { roomId: 'no-such-room', text: 'x', nonce: 'n-other' });
    expect(hidden).toEqual(missing);
    // Naming another room with the old nonce does not reveal it either.
    const lobby = (await owner.call('room.create', { name: 'lobby' })).room;
    expect(await refused(alice, 'message.send', { roomId: lobby.id, text: 'secret', nonce: 'n1' })).toEqual(missing);
  });
});

/* Finding 6: lone surrogates were acknowledged, fanned out and synced as is, but history returned U+FFFD. */
describe('lone surrogates', () => {
  it('every path returns the same text: reply, live event, sync and history', async () => {
    const { clients } = await h.community('owner', 'alice');
    const [owner, alice] = clients as [any, any];
    const { room } = await owner.call('room.create', { name: 'lobby' });
    await alice.call('room.join', { roomId: room.id });
    // Sent as raw JSON so the escapes reach the server exactly as a hostile client writes them.
    const id = 'lone-1';
    owner.ws.send(`{"id":"${id}","type":"message.send","roomId":"${room.id}","text":"A\\ud800B\\udc00C\\ud83d\\ude00","nonce":"s1"}`);
    const reply = await owner.waitFrame((f: any) => f.type === 'reply' && f.replyTo === id);
    const expected = 'A\uFFFDB\uFFFDC\u{1F600}';
    expect(reply.result.message.text).toBe(expected);
    const live = await liveEvent(alice, (e) => e.type === 'message.created');
    expect(live.data.message.text).toBe(expected);
    const synced = (await alice.call('sync', { after: 0 })).events.find((e: any) => e.type === 'message.created');
    expect(synced.data.message.text).toBe(expected);
    const history = await alice.call('history', { roomId: room.id });
    expect(history.messages[0].text).toBe(expected);
    // An edit with a lone surrogate too.
    const edited = await owner.call('message.edit', { messageId: reply.result.message.id, text: 'x\ud800' });
    expect(edited.message.text).toBe('x\uFFFD');
    expect((await alice.call('history', { roomId: room.id })).messages[0].text).toBe('x\uFFFD');
  });
});

/* Finding 10: NUL, ESC and RLO were stored and relayed raw. */
describe('control characters', () => {
  it('refuses C0/C1 controls (except newline and tab) in text, topics and names, and bidi overrides in text', async () => {
    const { server, clients } = await h.community('owner');
    const [owner] = clients as [any];
    const { room } = await owner.call('room.create', { name: 'lobby' });
    const head = server.head();
    const bad = ['a\u0000b', 'a\u001b[31mred', 'bell\u0007', 'c1\u0085x', 'c1\u009bx', 'del\u007f', 'abc\u202Edcba', 'x\u202Ay'];
    for (const text of bad) {
      const e = await refused(owner, 'message.send', { roomId: room.id, text, nonce: `n${text.length}${text.charCodeAt(1)}` });
      expect(e.code, JSON.stringify(text)).toBe('BAD_REQUEST');
      expect(e.message).toMatch(/control characters|bidi/);
      expect((await refused(owner, 'room.update', { roomId: room.id, topic: text })).code).toBe('BAD_REQUEST');
      expect((await refused(owner, 'room.create', { name: `n${text}` })).code).toBe('BAD_REQUEST');
      expect((await refused(owner, 'nick.set', { nickname: `n${text}` })).code).toBe('BAD_REQUEST');
      expect((await refused(owner, 'role.create', { name: `r${text}` })).code).toBe('BAD_REQUEST');
      expect((await refused(owner, 'category.create', { name: `c${text}` })).code).toBe('BAD_REQUEST');
    }
    expect(server.head()).toBe(head);
    // Newline and tab stay; so do bidi isolates and marks in message text (right-to-left writers need them).
    for (const text of ['line one\nline two\tcolumn', 'שלום \u2067abc\u2069 \u200Fעולם']) {
      expect((await owner.call('message.send', { roomId: room.id, text, nonce: `ok${text.length}` })).message.text).toBe(text);
    }
    // Names refuse every bidi control, isolates included.
    expect((await refused(owner, 'room.create', { name: 'a\u2067b' })).code).toBe('BAD_REQUEST');
  });
});
