/**
 * Messages through the IRC gateway, written from RFC 2812 §3.3 (PRIVMSG, NOTICE), the modern IRC client
 * protocol document and the IRCv3 specs: server-time, message-tags (msgid, client-only tags), account-tag,
 * echo-message, labeled-response, batch, CTCP ACTION, and the od mappings docs/irc.md lists (threads,
 * reactions, edits, deletions, direct chats). One `it` per rule, with a real od client on the other side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { liveEvent, makeOwner, member } from './community-support.js';
import { IrcHarness, type Line, nickOf } from './irc-support.js';

const h = new IrcHarness();
afterEach(() => h.release());

const ALL = ['server-time', 'message-tags', 'echo-message', 'account-tag', 'batch', 'labeled-response'];

/** alice on IRC (in #general), bob on a WebSocket (also in #general). */
async function pair(caps: string[] = ALL) {
  const server = await h.ircServer();
  const bobM = await member(server.url, 'bob');
  await makeOwner(server, bobM.id);
  const alice = await member(server.url, 'alice');
  const bob = await h.connect(server.url, bobM.token);
  const { room } = await bob.call('room.create', { name: 'general' });
  const irc = await h.irc(server.ircPort);
  await irc.login('alice', { caps });
  irc.send('JOIN #general');
  await irc.cmd('366', 'end of NAMES');
  await irc.sync();
  return { server, bob, bobM, alice, irc, room };
}

const privmsgs = (lines: Line[]) => lines.filter((l) => l.command === 'PRIVMSG');

describe('IRC messages', () => {
  it('PRIVMSG to a channel is an od message in that room', async () => {
    const { irc, bob, room, alice } = await pair();
    irc.send('PRIVMSG #general :hello from irc');
    const e = await liveEvent(bob, (x) => x.type === 'message.created');
    expect(e.data.message).toMatchObject({ roomId: room.id, authorId: alice.id, text: 'hello from irc' });
  });

  it('an od message arrives as PRIVMSG from the author with server-time, msgid and account tags', async () => {
    const { irc, bob, bobM } = await pair();
    const { message } = await bob.call('message.send', { roomId: (await bob.call('state')).rooms[0].id, text: 'hi irc', nonce: 'n1' });
    const l = await irc.next((x) => x.command === 'PRIVMSG' && x.params[1] === 'hi irc');
    expect(nickOf(l)).toBe('bob');
    expect(l.params[0]).toBe('#general');
    expect(l.tags.msgid).toBe(message.id);
    expect(l.tags.account).toBe(bobM.id);
    expect(l.tags.time).toBe(new Date(message.createdAt).toISOString());
    expect(l.tags.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('without the capabilities, lines carry no tags', async () => {
    const { irc, bob, room } = await pair([]);
    await bob.call('message.send', { roomId: room.id, text: 'plain', nonce: 'n1' });
    const l = await irc.next((x) => x.command === 'PRIVMSG' && x.params[1] === 'plain');
    expect(l.raw.startsWith(':bob!')).toBe(true);
    expect(l.tags).toEqual({});
  });

  it('echo-message: the sender gets its own message back with its msgid', async () => {
    const { irc } = await pair();
    irc.send('PRIVMSG #general :echo me');
    const l = await irc.next((x) => x.command === 'PRIVMSG' && x.params[1] === 'echo me');
    expect(nickOf(l)).toBe('alice');
    expect(l.tags.msgid).toBeTruthy();
  });

  it('without echo-message the sender does not get its own message back', async () => {
    const { irc, bob } = await pair(['server-time']);
    irc.send('PRIVMSG #general :no echo');
    await liveEvent(bob, (x) => x.type === 'message.created');
    const seen = await irc.sync();
    expect(privmsgs(seen)).toEqual([]);
  });

  it('messages the same account sends from od do reach the IRC client', async () => {
    const { irc, server, room } = await pair(['server-time']);
    const { post } = await import('./helpers.js');
    const login = await post(server.url, '/api/login', { username: 'alice', password: 'correct horse' });
    const od = await h.connect(server.url, login.body.accessToken);
    await od.call('message.send', { roomId: room.id, text: 'from my laptop', nonce: 'x1' });
    const l = await irc.next((x) => x.command === 'PRIVMSG' && x.params[1] === 'from my laptop');
    expect(nickOf(l)).toBe('alice');
  });

  it('labeled-response: an echoed message carries the label', async () => {
    const { irc } = await pair();
    irc.send('@label=abc PRIVMSG #general :labelled');
    const l = await irc.next((x) => x.command === 'PRIVMSG' && x.params[1] === 'labelled');
    expect(l.tags.label).toBe('abc');
  });

  it('labeled-response: a command with one reply line gets the label on it', async () => {
    const { irc } = await pair();
    irc.send('@label=p1 PING tok');
    const l = await irc.cmd('PONG');
    expect(l.tags.label).toBe('p1');
  });

  it('labeled-response: a command with no reply gets ACK', async () => {
    const { irc } = await pair();
    irc.send('@label=q2 PONG whatever');
    const l = await irc.cmd('ACK');
    expect(l.tags.label).toBe('q2');
  });

  it('labeled-response: several reply lines come in a labeled-response batch', async () => {
    const { irc } = await pair();
    irc.send('@label=n3 NAMES #general');
    const open = await irc.next((x) => x.command === 'BATCH' && x.params[0]!.startsWith('+'));
    expect(open.tags.label).toBe('n3');
    expect(open.params[1]).toBe('labeled-response');
    const ref = open.params[0]!.slice(1);
    const inner = await irc.until((x) => x.command === 'BATCH' && x.params[0] === `-${ref}`);
    expect(inner.filter((x) => x.command === '353' || x.command === '366').every((x) => x.tags.batch === ref)).toBe(true);
  });

  it('CTCP ACTION from IRC is an od action, and od actions arrive as CTCP ACTION', async () => {
    const { irc, bob, room } = await pair();
    irc.send('PRIVMSG #general :\x01ACTION waves\x01');
    const e = await liveEvent(bob, (x) => x.type === 'message.created');
    expect(e.data.message).toMatchObject({ text: 'waves', action: true });
    await bob.call('message.send', { roomId: room.id, text: 'bows', nonce: 'a1', action: true });
    const l = await irc.next((x) => x.command === 'PRIVMSG' && nickOf(x) === 'bob');
    expect(l.params[1]).toBe('\x01ACTION bows\x01');
  });

  it('PRIVMSG to a nick is an od direct message, and the answer comes back as PRIVMSG to us', async () => {
    const { irc, bob, bobM, alice } = await pair();
    irc.send('PRIVMSG bob :psst');
    const e = await liveEvent(bob, (x) => x.type === 'message.created' && x.data.message.text === 'psst');
    const dm = (await bob.call('state')).rooms.find((r: any) => r.id === e.data.message.roomId);
    expect(dm.kind).toBe('dm');
    expect([...dm.members].sort()).toEqual([alice.id, bobM.id].sort());
    await bob.call('message.send', { roomId: dm.id, text: 'hey you', nonce: 'd1' });
    const l = await irc.next((x) => x.command === 'PRIVMSG' && x.params[1] === 'hey you');
    expect(nickOf(l)).toBe('bob');
    expect(l.params[0]).toBe('alice');
  });

  it('a thread reply arrives with +draft/reply and a context prefix', async () => {
    const { irc, bob, room } = await pair();
    irc.send('PRIVMSG #general :what do we ship on friday then');
    const root = await liveEvent(bob, (x) => x.type === 'message.created');
    await bob.call('message.send', { roomId: room.id, text: 'the new parser', nonce: 't1', threadId: root.data.message.id });
    const l = await irc.next((x) => x.command === 'PRIVMSG' && nickOf(x) === 'bob');
    expect(l.tags['+draft/reply']).toBe(root.data.message.id);
    expect(l.params[1]).toBe('↳ re alice: "what do we ship on…" the new parser');
  });

  it('a PRIVMSG with +draft/reply is an od thread reply', async () => {
    const { irc, bob, room } = await pair();
    const { message } = await bob.call('message.send', { roomId: room.id, text: 'root', nonce: 'r1' });
    irc.send(`@+draft/reply=${message.id} PRIVMSG #general :in thread`);
    const e = await liveEvent(bob, (x) => x.type === 'message.created' && x.data.message.text === 'in thread');
    expect(e.data.message.threadId).toBe(message.id);
  });

  it('reactions arrive as a +draft/react TAGMSG for clients with message-tags', async () => {
    const { irc, bob, room } = await pair();
    const { message } = await bob.call('message.send', { roomId: room.id, text: 'react to me', nonce: 'r1' });
    await bob.call('reaction.add', { messageId: message.id, emoji: '👍' });
    const l = await irc.cmd('TAGMSG');
    expect(nickOf(l)).toBe('bob');
    expect(l.tags['+draft/react']).toBe('👍');
    expect(l.tags['+draft/reply']).toBe(message.id);
  });

  it('reactions arrive as a compact action line for clients without message-tags', async () => {
    const { irc, bob, room } = await pair(['server-time']);
    const { message } = await bob.call('message.send', { roomId: room.id, text: 'react to me please', nonce: 'r1' });
    await irc.next((x) => x.command === 'PRIVMSG' && x.params[1] === 'react to me please');
    await bob.call('reaction.add', { messageId: message.id, emoji: '🎉' });
    const l = await irc.next((x) => x.command === 'PRIVMSG' && x.params[1]!.includes('🎉'));
    expect(l.params[1]).toBe('\x01ACTION reacted 🎉 to bob: "react to me please"\x01');
  });

  it('a TAGMSG with +draft/react adds an od reaction', async () => {
    const { irc, bob, room, alice } = await pair();
    const { message } = await bob.call('message.send', { roomId: room.id, text: 'm', nonce: 'r1' });
    irc.send(`@+draft/react=🔥;+draft/reply=${message.id} TAGMSG #general`);
    const e = await liveEvent(bob, (x) => x.type === 'reaction.added');
    expect(e.data).toMatchObject({ messageId: message.id, emoji: '🔥', userId: alice.id });
  });

  it('an edit arrives as a correction NOTICE tagged +draft/edit', async () => {
    const { irc, bob, room } = await pair();
    const { message } = await bob.call('message.send', { roomId: room.id, text: 'teh typo', nonce: 'e1' });
    await bob.call('message.edit', { messageId: message.id, text: 'the typo' });
    const l = await irc.cmd('NOTICE');
    expect(nickOf(l)).toBe('bob');
    expect(l.params).toEqual(['#general', '[edit] the typo']);
    expect(l.tags['+draft/edit']).toBe(message.id);
  });

  it('a deletion arrives as a NOTICE tagged +draft/delete', async () => {
    const { irc, bob, room } = await pair();
    const { message } = await bob.call('message.send', { roomId: room.id, text: 'oops', nonce: 'e1' });
    await irc.next((x) => x.command === 'PRIVMSG' && x.params[1] === 'oops');
    await bob.call('message.delete', { messageId: message.id });
    const l = await irc.cmd('NOTICE');
    expect(l.params).toEqual(['#general', '[deleted a message from bob]']);
    expect(l.tags['+draft/delete']).toBe(message.id);
  });

  it('a multi-line od message arrives as one PRIVMSG per line, the first with the msgid', async () => {
    const { irc, bob, room } = await pair();
    await bob.call('message.send', { roomId: room.id, text: 'one\ntwo\nthree', nonce: 'm1' });
    const lines = [await irc.cmd('PRIVMSG'), await irc.cmd('PRIVMSG'), await irc.cmd('PRIVMSG')];
    expect(lines.map((l) => l.params[1])).toEqual(['one', 'two', 'three']);
    expect(lines[0]!.tags.msgid).toBeTruthy();
    expect(lines[1]!.tags.msgid).toBeUndefined();
  });

  it('a long od message is split so that no line exceeds 512 bytes without tags', async () => {
    const { irc, bob, room } = await pair();
    const text = 'wörd '.repeat(700).trim();
    await bob.call('message.send', { roomId: room.id, text, nonce: 'l1' });
    await irc.next((x) => x.command === 'PRIVMSG');
    const rest = await irc.sync();
    const all = [irc.lines.find((l) => l.command === 'PRIVMSG')!, ...privmsgs(rest)];
    for (const l of all) expect(Buffer.byteLength(l.raw.replace(/^@\S+ /, '')) + 2).toBeLessThanOrEqual(512);
    expect(all.map((l) => l.params[1]).join('').replace(/\s+/g, ' ').trim()).toBe(text);
  });

  it('PRIVMSG without a target gets 411, without text 412', async () => {
    const { irc } = await pair();
    irc.send('PRIVMSG');
    await irc.cmd('411');
    irc.send('PRIVMSG #general');
    await irc.cmd('412');
  });

  it('PRIVMSG to an unknown nick gets 401, to an unknown channel 403', async () => {
    const { irc } = await pair();
    irc.send('PRIVMSG nobody :x');
    expect((await irc.cmd('401')).params[1]).toBe('nobody');
    irc.send('PRIVMSG #nowhere :x');
    expect((await irc.cmd('403')).params[1]).toBe('#nowhere');
  });

  it('PRIVMSG to a visible channel one has not joined gets 404', async () => {
    const { irc, bob } = await pair();
    await bob.call('room.create', { name: 'random' });
    irc.send('PRIVMSG #random :x');
    expect((await irc.cmd('404')).params[1]).toBe('#random');
  });

  it('NOTICE never gets an automatic error reply', async () => {
    const { irc } = await pair();
    irc.send('NOTICE nobody :x');
    irc.send('NOTICE #nowhere :x');
    const seen = await irc.sync();
    expect(seen.filter((l) => /^\d{3}$/.test(l.command))).toEqual([]);
  });

  it('od refusals (rate limits) come back as FAIL, never as a crash', async () => {
    const server = await h.ircServer({ messageRate: { perSec: 0.01, burst: 1 } });
    const bobM = await member(server.url, 'bob');
    await makeOwner(server, bobM.id);
    await member(server.url, 'alice');
    const bob = await h.connect(server.url, bobM.token);
    await bob.call('room.create', { name: 'general' });
    const irc = await h.irc(server.ircPort);
    await irc.login('alice', { caps: ALL });
    irc.send('JOIN #general');
    await irc.cmd('366');
    irc.send('PRIVMSG #general :one');
    irc.send('PRIVMSG #general :two');
    const fail = await irc.cmd('FAIL');
    expect(fail.params.slice(0, 3)).toEqual(['PRIVMSG', 'RATE_LIMITED', '#general']);
  });
});
