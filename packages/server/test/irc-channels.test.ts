/**
 * Channels through the IRC gateway, written from RFC 2812 §3.2 (JOIN, PART, TOPIC, NAMES, LIST), §3.6
 * (WHO), the modern IRC client protocol document, IRCv3 batch, away-notify, draft/chathistory and
 * draft/read-marker; and od's rules: JOIN/PART are od membership, hidden rooms do not exist, restricted-room
 * changes take effect live, NICK is nick.set, history is replayed on JOIN. One `it` per rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { liveEvent, makeOwner, member } from './community-support.js';
import { post } from './helpers.js';
import { IrcHarness, type Line, nickOf } from './irc-support.js';

const h = new IrcHarness();
afterEach(() => h.release());

const ALL = ['server-time', 'message-tags', 'echo-message', 'account-tag', 'batch', 'labeled-response', 'away-notify', 'draft/chathistory', 'draft/read-marker'];

/** bob owns the community (WebSocket), alice is on IRC; #general exists. */
async function setup(caps: string[] = ALL) {
  const server = await h.ircServer();
  const bobM = await member(server.url, 'bob');
  await makeOwner(server, bobM.id);
  const alice = await member(server.url, 'alice');
  const bob = await h.connect(server.url, bobM.token);
  const { room } = await bob.call('room.create', { name: 'general' });
  const irc = await h.irc(server.ircPort);
  await irc.login('alice', { caps });
  return { server, bob, bobM, alice, irc, room };
}

/** Replace a channel name so two answers can be compared as shapes. */
const shape = (lines: Line[], chan: string) => lines.map((l) => l.raw.split(chan).join('#X'));

describe('IRC channels', () => {
  it('JOIN is od membership: JOIN line, topic, names, and od sees room.joined', async () => {
    const { irc, bob, room, alice } = await setup();
    await bob.call('room.update', { roomId: room.id, topic: 'all things' });
    irc.send('JOIN #general');
    const join = await irc.cmd('JOIN');
    expect(nickOf(join)).toBe('alice');
    expect(join.params[0]).toBe('#general');
    expect((await irc.cmd('332')).params.slice(1)).toEqual(['#general', 'all things']);
    const names = await irc.cmd('353');
    expect(names.params.slice(1, 3)).toEqual(['=', '#general']);
    expect(names.params[3]!.split(' ').sort()).toEqual(['alice', '~bob']);
    await irc.cmd('366');
    const e = await liveEvent(bob, (x) => x.type === 'room.joined');
    expect(e.data).toEqual({ roomId: room.id, userId: alice.id });
  });

  it('PART is od membership: od sees room.left and the client gets PART', async () => {
    const { irc, bob, alice } = await setup();
    irc.send('JOIN #general');
    await irc.cmd('366');
    irc.send('PART #general :bye now');
    const part = await irc.cmd('PART');
    expect(part.params).toEqual(['#general', 'bye now']);
    const e = await liveEvent(bob, (x) => x.type === 'room.left');
    expect(e.data.userId).toBe(alice.id);
  });

  it('joining in od makes the IRC client join, parting in od parts it', async () => {
    const { irc, server, room } = await setup();
    const login = await post(server.url, '/api/login', { username: 'alice', password: 'correct horse' });
    const od = await h.connect(server.url, login.body.accessToken);
    await od.call('room.join', { roomId: room.id });
    expect((await irc.cmd('JOIN')).params[0]).toBe('#general');
    await od.call('room.part', { roomId: room.id });
    expect((await irc.cmd('PART')).params[0]).toBe('#general');
  });

  it('other members joining and parting are shown as JOIN and PART', async () => {
    const { irc, server, room } = await setup();
    irc.send('JOIN #general');
    await irc.cmd('366');
    const carolM = await member(server.url, 'carol');
    const carol = await h.connect(server.url, carolM.token);
    await carol.call('room.join', { roomId: room.id });
    expect(nickOf(await irc.cmd('JOIN'))).toBe('carol');
    await carol.call('room.part', { roomId: room.id });
    expect(nickOf(await irc.cmd('PART'))).toBe('carol');
  });

  it('JOIN of a hidden room answers exactly as a channel that does not exist (403)', async () => {
    const { irc, bob } = await setup();
    const { role } = await bob.call('role.create', { name: 'staff' });
    await bob.call('room.create', { name: 'secret', restrictedTo: [role.id] });
    irc.send('JOIN #secret');
    const hidden = await irc.until((l) => l.command === '403');
    irc.send('JOIN #nosuch');
    const missing = await irc.until((l) => l.command === '403');
    expect(shape(hidden, '#secret')).toEqual(shape(missing, '#nosuch'));
  });

  it('LIST shows visible channels with member counts and category, never hidden ones', async () => {
    const { irc, bob } = await setup();
    const { role } = await bob.call('role.create', { name: 'staff' });
    await bob.call('room.create', { name: 'secret', restrictedTo: [role.id] });
    const { category } = await bob.call('category.create', { name: 'Work' });
    const { room: dev } = await bob.call('room.create', { name: 'dev' });
    await bob.call('room.move', { roomId: dev.id, categoryId: category.id });
    await bob.call('room.update', { roomId: dev.id, topic: 'code' });
    irc.send('LIST');
    const lines = await irc.until((l) => l.command === '323');
    const entries = lines.filter((l) => l.command === '322');
    expect(entries.map((l) => l.params[1]).sort()).toEqual(['#dev', '#general']);
    const devLine = entries.find((l) => l.params[1] === '#dev')!;
    expect(devLine.params[2]).toBe('1');
    expect(devLine.params[3]).toBe('[Work] code');
    expect(lines.some((l) => l.raw.includes('secret'))).toBe(false);
  });

  it('a room restricted away from a member parts them live with a reason, and rejoins them when access returns', async () => {
    const { irc, bob, room, alice } = await setup();
    irc.send('JOIN #general');
    await irc.cmd('366');
    const { role } = await bob.call('role.create', { name: 'staff' });
    await bob.call('room.restrict', { roomId: room.id, roleIds: [role.id] });
    const part = await irc.cmd('PART');
    expect(part.params).toEqual(['#general', 'You can no longer see this room']);
    await bob.call('role.grant', { userId: alice.id, roleId: role.id });
    expect((await irc.cmd('JOIN')).params[0]).toBe('#general');
  });

  it('TOPIC shows the topic (332) or none (331)', async () => {
    const { irc, bob, room } = await setup();
    irc.send('TOPIC #general');
    await irc.cmd('331');
    await bob.call('room.update', { roomId: room.id, topic: 'news' });
    await irc.sync();
    irc.send('TOPIC #general');
    expect((await irc.cmd('332')).params[2]).toBe('news');
  });

  it('TOPIC changes in od arrive as TOPIC from the changer', async () => {
    const { irc, bob, room } = await setup();
    irc.send('JOIN #general');
    await irc.cmd('366');
    await bob.call('room.update', { roomId: room.id, topic: 'fresh' });
    const t = await irc.cmd('TOPIC');
    expect(nickOf(t)).toBe('bob');
    expect(t.params).toEqual(['#general', 'fresh']);
  });

  it('setting a topic without the permission gets 482; with it, od changes the topic', async () => {
    const { irc, bob, room, alice } = await setup();
    irc.send('JOIN #general');
    await irc.cmd('366');
    irc.send('TOPIC #general :mine now');
    await irc.cmd('482');
    await bob.call('role.grant', { userId: alice.id, roleId: 'admin' });
    await irc.sync();
    irc.send('TOPIC #general :mine now');
    const t = await irc.cmd('TOPIC');
    expect(t.params[1]).toBe('mine now');
    expect((await bob.call('state')).rooms.find((r: any) => r.id === room.id).topic).toBe('mine now');
  });

  it('TOPIC without parameters gets 461, of a missing channel 403', async () => {
    const { irc } = await setup();
    irc.send('TOPIC');
    await irc.cmd('461');
    irc.send('TOPIC #nosuch');
    await irc.cmd('403');
  });

  it('NAMES shows od roles as prefixes: ~ owner, & admin, @ moderators', async () => {
    const { irc, bob, server, room } = await setup();
    const carolM = await member(server.url, 'carol');
    const daveM = await member(server.url, 'dave');
    await bob.call('role.grant', { userId: carolM.id, roleId: 'admin' });
    const { role } = await bob.call('role.create', { name: 'mods' });
    await bob.call('role.update', { roleId: role.id, add: ['moderate_messages'] });
    await bob.call('role.grant', { userId: daveM.id, roleId: role.id });
    for (const m of [carolM, daveM]) await (await h.connect(server.url, m.token)).call('room.join', { roomId: room.id });
    await irc.sync();
    irc.send('NAMES #general');
    const names = await irc.cmd('353');
    expect(names.params[3]!.split(' ').sort()).toEqual(['&carol', '@dave', '~bob'].sort());
    await irc.cmd('366');
  });

  it('NAMES of a missing channel is only the end numeric', async () => {
    const { irc } = await setup();
    irc.send('NAMES #nosuch');
    const lines = await irc.until((l) => l.command === '366');
    expect(lines.map((l) => l.command)).toEqual(['366']);
  });

  it('WHO lists members with H/G from presence and the prefix', async () => {
    const { irc, bob } = await setup();
    void bob;
    irc.send('WHO #general');
    const lines = await irc.until((l) => l.command === '315');
    const who = lines.filter((l) => l.command === '352');
    expect(who).toHaveLength(1);
    expect(who[0]!.params[5]).toBe('bob');
    expect(who[0]!.params[6]).toBe('H~');
  });

  it('AWAY sets od presence away and back (306/305), and away-notify shows others going away', async () => {
    const { irc, bob, server, room, bobM } = await setup();
    irc.send('JOIN #general');
    await irc.cmd('366');
    irc.send('AWAY :lunch');
    await irc.cmd('306');
    const p = await bob.waitFrame((f) => f.type === 'presence' && f.status === 'away');
    expect(p.userId).toBeTruthy();
    irc.send('AWAY');
    await irc.cmd('305');
    await bob.call('presence.set', { mode: 'away' });
    const away = await irc.next((l) => l.command === 'AWAY' && nickOf(l) === 'bob');
    expect(away.params).toEqual(['Away']);
    await bob.call('presence.set', { mode: 'auto' });
    const back = await irc.next((l) => l.command === 'AWAY' && nickOf(l) === 'bob');
    expect(back.params).toEqual([]);
    void server;
    void room;
    void bobM;
  });

  it('NICK changes the od nickname; od changes arrive as NICK', async () => {
    const { irc, bob, alice, server } = await setup();
    irc.send('NICK alicia');
    const n = await irc.cmd('NICK');
    expect(nickOf(n)).toBe('alice');
    expect(n.params[0]).toBe('alicia');
    const e = await liveEvent(bob, (x) => x.type === 'user.updated' && x.data.user.id === alice.id);
    expect(e.data.user.nickname).toBe('alicia');
    void server;
  });

  it('NICK to a taken nickname gets 433', async () => {
    const { irc } = await setup();
    irc.send('NICK bob');
    expect((await irc.cmd('433')).params[1]).toBe('bob');
  });

  it('od nicknames that are not IRC nicks are mapped reversibly, and PRIVMSG to the mapped nick reaches them', async () => {
    const { irc, bob, server, room } = await setup();
    const zoe = await member(server.url, 'zoe');
    const z = await h.connect(server.url, zoe.token);
    await z.call('nick.set', { nickname: 'Zoë.Q' });
    await z.call('room.join', { roomId: room.id });
    irc.send('JOIN #general');
    const names = await irc.cmd('353');
    expect(names.params[3]!.split(' ')).toContain('Zo|eb|\\Q');
    irc.send('PRIVMSG Zo|eb|\\Q :hi zoe');
    const e = await liveEvent(z, (x) => x.type === 'message.created' && x.data.message.text === 'hi zoe');
    expect(e.data.message.authorId).not.toBe(zoe.id);
    void bob;
  });

  it('on JOIN the unread messages are replayed as a chathistory batch, and speaking marks the room read', async () => {
    const server = await h.ircServer();
    const bobM = await member(server.url, 'bob');
    await makeOwner(server, bobM.id);
    const alice = await member(server.url, 'alice');
    const bob = await h.connect(server.url, bobM.token);
    const { room } = await bob.call('room.create', { name: 'general' });
    const a = await h.connect(server.url, alice.token);
    await a.call('room.join', { roomId: room.id });
    await a.close();
    for (const t of ['one', 'two', 'three']) await bob.call('message.send', { roomId: room.id, text: t, nonce: t });
    const irc = await h.irc(server.ircPort);
    await irc.login('alice', { caps: ALL });
    // Registration joins the rooms alice is in, and replays what she has not read.
    await irc.cmd('JOIN');
    const open = await irc.next((l) => l.command === 'BATCH' && l.params[0]!.startsWith('+'));
    expect(open.params.slice(1)).toEqual(['chathistory', '#general']);
    const ref = open.params[0]!.slice(1);
    const inner = await irc.until((l) => l.command === 'BATCH' && l.params[0] === `-${ref}`);
    const msgs = inner.filter((l) => l.command === 'PRIVMSG');
    expect(msgs.map((l) => l.params[1])).toEqual(['one', 'two', 'three']);
    expect(msgs.every((l) => l.tags.batch === ref && l.tags.time && l.tags.msgid)).toBe(true);
    irc.send('PRIVMSG #general :caught up');
    const c = await h.connect(server.url, (await post(server.url, '/api/login', { username: 'alice', password: 'correct horse' })).body.accessToken);
    // The read marker moves once the message is committed: wait for the condition, not for a time.
    let unread = -1;
    for (let i = 0; i < 400 && unread !== 0; i++) {
      unread = (await c.call('state')).unread[room.id].count;
      if (unread !== 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(unread).toBe(0);
  });

  it('without batch, replayed messages are plain PRIVMSG lines with server-time', async () => {
    const server = await h.ircServer();
    const bobM = await member(server.url, 'bob');
    const alice = await member(server.url, 'alice');
    const bob = await h.connect(server.url, bobM.token);
    const { room } = await bob.call('room.create', { name: 'general' });
    const a = await h.connect(server.url, alice.token);
    await a.call('room.join', { roomId: room.id });
    await bob.call('message.send', { roomId: room.id, text: 'while you were out', nonce: 'w' });
    const irc = await h.irc(server.ircPort);
    await irc.login('alice', { caps: ['server-time'] });
    const l = await irc.next((x) => x.command === 'PRIVMSG');
    expect(l.params[1]).toBe('while you were out');
    expect(l.tags.time).toBeTruthy();
    expect(irc.lines.some((x) => x.command === 'BATCH')).toBe(false);
  });

  it('MARKREAD with a timestamp moves the od read marker; od markers arrive as MARKREAD', async () => {
    const { irc, bob, room, server } = await setup();
    irc.send('JOIN #general');
    await irc.cmd('366');
    await bob.call('message.send', { roomId: room.id, text: 'first', nonce: 'a' });
    const last = (await bob.call('message.send', { roomId: room.id, text: 'second', nonce: 'b' })).message;
    await irc.next((l) => l.command === 'PRIVMSG' && l.params[1] === 'second');
    const ts = new Date(last.createdAt).toISOString();
    irc.send(`MARKREAD #general timestamp=${ts}`);
    const reply = await irc.cmd('MARKREAD');
    expect(reply.params).toEqual(['#general', `timestamp=${ts}`]);
    const od = await h.connect(server.url, (await post(server.url, '/api/login', { username: 'alice', password: 'correct horse' })).body.accessToken);
    expect((await od.call('state')).readMarkers[room.id]).toBe(last.order);
  });

  it('MARKREAD for a channel one is not in fails with INVALID_PARAMS', async () => {
    const { irc } = await setup();
    irc.send('MARKREAD #general');
    const f = await irc.cmd('FAIL');
    expect(f.params.slice(0, 2)).toEqual(['MARKREAD', 'INVALID_PARAMS']);
  });

  it('CHATHISTORY LATEST, BEFORE, AFTER and AROUND page od history in a chathistory batch', async () => {
    const { irc, bob, room } = await setup();
    const sent = [];
    for (let i = 1; i <= 6; i++) sent.push((await bob.call('message.send', { roomId: room.id, text: `m${i}`, nonce: `n${i}` })).message);
    const history = async (cmd: string) => {
      irc.send(cmd);
      const open = await irc.next((l) => l.command === 'BATCH' && l.params[0]!.startsWith('+'));
      expect(open.params[1]).toBe('chathistory');
      const inner = await irc.until((l) => l.command === 'BATCH' && l.params[0] === `-${open.params[0]!.slice(1)}`);
      return inner.filter((l) => l.command === 'PRIVMSG').map((l) => l.params[1]);
    };
    expect(await history('CHATHISTORY LATEST #general * 3')).toEqual(['m4', 'm5', 'm6']);
    expect(await history(`CHATHISTORY BEFORE #general msgid=${sent[3]!.id} 2`)).toEqual(['m2', 'm3']);
    expect(await history(`CHATHISTORY AFTER #general msgid=${sent[1]!.id} 2`)).toEqual(['m3', 'm4']);
    expect(await history(`CHATHISTORY AROUND #general msgid=${sent[2]!.id} 3`)).toEqual(['m2', 'm3', 'm4']);
    expect(await history(`CHATHISTORY LATEST #general msgid=${sent[3]!.id} 10`)).toEqual(['m5', 'm6']);
    const ts = new Date(sent[4]!.createdAt).toISOString();
    expect(await history(`CHATHISTORY BEFORE #general timestamp=${ts} 1`)).toEqual([sent[4]!.createdAt === sent[3]!.createdAt ? expect.any(String) : 'm4']);
  });

  it('CHATHISTORY of a hidden channel answers exactly as a missing one', async () => {
    const { irc, bob } = await setup();
    const { role } = await bob.call('role.create', { name: 'staff' });
    await bob.call('room.create', { name: 'secret', restrictedTo: [role.id] });
    irc.send('CHATHISTORY LATEST #secret * 10');
    const hidden = await irc.cmd('FAIL');
    irc.send('CHATHISTORY LATEST #nosuch * 10');
    const missing = await irc.cmd('FAIL');
    expect(hidden.raw.replace('#secret', '#X')).toBe(missing.raw.replace('#nosuch', '#X'));
    expect(hidden.params.slice(0, 2)).toEqual(['CHATHISTORY', 'INVALID_TARGET']);
  });

  it('CHATHISTORY with a bad limit or subcommand fails with INVALID_PARAMS', async () => {
    const { irc } = await setup();
    irc.send('CHATHISTORY LATEST #general * 0');
    expect((await irc.cmd('FAIL')).params[1]).toBe('INVALID_PARAMS');
    irc.send('CHATHISTORY SIDEWAYS #general * 5');
    expect((await irc.cmd('FAIL')).params[1]).toBe('INVALID_PARAMS');
  });

  it('MODE of a channel shows +nt; changing modes gets 482', async () => {
    const { irc } = await setup();
    irc.send('MODE #general');
    expect((await irc.cmd('324')).params.slice(1)).toEqual(['#general', '+nt']);
    irc.send('MODE #general +m');
    await irc.cmd('482');
  });

  it('JOIN and PART without parameters get 461; PART of a channel one is not in gets 442', async () => {
    const { irc } = await setup();
    irc.send('JOIN');
    expect((await irc.cmd('461')).params[1]).toBe('JOIN');
    irc.send('PART');
    expect((await irc.cmd('461')).params[1]).toBe('PART');
    irc.send('PART #general');
    await irc.cmd('442');
  });

  it('a group chat is a & channel its members are in', async () => {
    const { irc, bob, alice } = await setup();
    await bob.call('group.create', { name: 'planning', userIds: [alice.id] });
    const j = await irc.cmd('JOIN');
    expect(j.params[0]).toBe('&planning');
  });
});
