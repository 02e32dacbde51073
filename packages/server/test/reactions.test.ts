import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REACTIONS_PER_MESSAGE } from '@open-discord/protocol';
import { expectConvergent, Harness, liveEvent, refused, syncFromZero, type Member } from './community-support.js';
import { type RawClient, until } from './helpers.js';

/*
 * Emoji reactions (`reaction.add` / `reaction.remove`, events `reaction.added` / `reaction.removed`) and
 * @room / @here mentions, over real sockets on 127.0.0.1:0 and real SQLite files. Nothing waits on a timer:
 * "nothing arrived" is judged after a later event on the same socket has arrived.
 */
const h = new Harness();
afterEach(() => h.release());

type Frame = Record<string, any>;

/** alice (owner), bob and carol, all in alice's lobby; a message of bob's in it. */
async function lobby() {
  const { server, members, clients } = await h.community('alice', 'bob', 'carol');
  const [a, b, c] = clients as [RawClient, RawClient, RawClient];
  const { room } = await a.call('room.create', { name: 'lobby' });
  await b.call('room.join', { roomId: room.id });
  await c.call('room.join', { roomId: room.id });
  const { message } = await b.call('message.send', { roomId: room.id, text: 'hello all', nonce: 'n1' });
  await liveEvent(a, (e) => e.type === 'message.created' && e.data.message.id === message.id);
  return { server, members: members as [Member, Member, Member], a, b, c, room, message };
}

const reactionsOf = async (c: RawClient, roomId: string, messageId: string) =>
  ((await c.call('history', { roomId })).messages as Frame[]).find((m) => m.id === messageId)?.reactions;

describe('reactions', () => {
  it('a set per (message, user, emoji): live to the room, shortcodes stored as the emoji, no-ops write nothing, history and a fresh fold agree', async () => {
    const { server, members, a, b, c, room, message } = await lobby();
    const [alice, bob] = members;
    expect(await a.call('reaction.add', { messageId: message.id, emoji: ':tada:' })).toEqual({ ok: true });
    const added = await liveEvent(b, (e) => e.type === 'reaction.added');
    expect(added).toMatchObject({ roomId: room.id, actorId: alice.id, data: { messageId: message.id, roomId: room.id, emoji: '🎉', userId: alice.id } });
    // Adding again (by shortcode or emoji) changes nothing and writes nothing.
    const head = server.head();
    await a.call('reaction.add', { messageId: message.id, emoji: '🎉' });
    await a.call('reaction.remove', { messageId: message.id, emoji: '👀' });
    expect(server.head()).toBe(head);

    await b.call('reaction.add', { messageId: message.id, emoji: '🎉' });
    await b.call('reaction.add', { messageId: message.id, emoji: ':+1:' });
    expect(await reactionsOf(c, room.id, message.id)).toEqual([
      { emoji: '🎉', userIds: [alice.id, bob.id] },
      { emoji: '👍', userIds: [bob.id] },
    ]);
    // Removing the first user's reaction keeps the emoji in its place while someone still has it.
    await a.call('reaction.remove', { messageId: message.id, emoji: ':tada:' });
    const removed = await liveEvent(c, (e) => e.type === 'reaction.removed');
    expect(removed.data).toEqual({ messageId: message.id, roomId: room.id, emoji: '🎉', userId: alice.id });
    await a.call('reaction.add', { messageId: message.id, emoji: '🔥' });
    expect(await reactionsOf(c, room.id, message.id)).toEqual([
      { emoji: '🎉', userIds: [bob.id] },
      { emoji: '👍', userIds: [bob.id] },
      { emoji: '🔥', userIds: [alice.id] },
    ]);
    // Editing keeps the reactions (events carry none; a fresh fold keeps the loaded ones).
    await b.call('message.edit', { messageId: message.id, text: 'hello everyone' });
    expect((await reactionsOf(c, room.id, message.id))?.length).toBe(3);
    await expectConvergent(server.url, members[2].token, h);
  });

  it('bad emoji, missing messages and non-members are refused with clear errors; the per-message cap holds', async () => {
    const { server, a, b, c, room, message } = await lobby();
    for (const emoji of ['', 'two words', 'x'.repeat(33), 'tab\there', '\u202Eevil']) {
      expect((await refused(a, 'reaction.add', { messageId: message.id, emoji })).code).toBe('BAD_REQUEST');
    }
    expect(await refused(a, 'reaction.add', { messageId: 'nope', emoji: '🎉' })).toEqual({ code: 'NOT_FOUND', message: 'message not found' });
    await c.call('room.part', { roomId: room.id });
    expect(await refused(c, 'reaction.add', { messageId: message.id, emoji: '🎉' })).toEqual({
      code: 'FORBIDDEN',
      message: 'you are not in this room; join it first',
    });
    for (let i = 0; i < MAX_REACTIONS_PER_MESSAGE; i++) await a.call('reaction.add', { messageId: message.id, emoji: `:e${i}:` });
    const head = server.head();
    expect(await refused(a, 'reaction.add', { messageId: message.id, emoji: '🎉' })).toEqual({
      code: 'BAD_REQUEST',
      message: `a message has at most ${MAX_REACTIONS_PER_MESSAGE} different reactions`,
    });
    expect(server.head()).toBe(head);
    // An emoji already there is not a new one: others may still add it.
    await b.call('reaction.add', { messageId: message.id, emoji: ':e3:' });
    expect(server.head()).toBe(head + 1);
  });

  it('a hidden room leaks nothing: its message answers like a missing one and its reactions reach no outsider', async () => {
    const { members, a, b, c, room } = await lobby();
    const { role } = await a.call('role.create', { name: 'staff' });
    await a.call('role.grant', { userId: members[2].id, roleId: role.id });
    const { room: secret } = await a.call('room.create', { name: 'secret', restrictedTo: [role.id] });
    await c.call('room.join', { roomId: secret.id });
    const { message: hidden } = await a.call('message.send', { roomId: secret.id, text: 'psst', nonce: 's1' });
    await a.call('reaction.add', { messageId: hidden.id, emoji: '👀' });
    await liveEvent(c, (e) => e.type === 'reaction.added' && e.data.messageId === hidden.id);
    const missing = await refused(b, 'reaction.add', { messageId: 'nope', emoji: '👀' });
    expect(await refused(b, 'reaction.add', { messageId: hidden.id, emoji: '👀' })).toEqual(missing);
    expect(await refused(b, 'reaction.remove', { messageId: hidden.id, emoji: '👀' })).toEqual(missing);
    expect((await refused(b, 'history', { roomId: secret.id })).code).toBe('NOT_FOUND');
    // A later reaction in the lobby reaches bob; the secret one never did, live or by sync.
    const { message } = await a.call('message.send', { roomId: room.id, text: 'open', nonce: 'o1' });
    await a.call('reaction.add', { messageId: message.id, emoji: '🔥' });
    await liveEvent(b, (e) => e.type === 'reaction.added' && e.data.messageId === message.id);
    const seen = (c2: RawClient) => c2.frames.filter((f) => f.type === 'event' && f.event.data?.messageId === hidden.id);
    expect(seen(b)).toEqual([]);
    const { events } = await syncFromZero(b);
    expect(events.some((e) => e.roomId === secret.id || e.data?.messageId === hidden.id)).toBe(false);
  });

  it('replays to a client resuming from an older order, survives a restart, and goes with its deleted message', async () => {
    const { server, members, a, b, room, message } = await lobby();
    const [alice, bob] = members;
    const before = server.head();
    await a.call('reaction.add', { messageId: message.id, emoji: '🎉' });
    await b.call('reaction.add', { messageId: message.id, emoji: '🎉' });
    await b.call('reaction.remove', { messageId: message.id, emoji: '🎉' });
    const resumed = await h.connect(server.url, bob.token, before);
    const replayed = resumed.frames.flatMap((f) => (f.type === 'replay' ? f.events : f.type === 'event' ? [f.event] : []));
    expect(replayed.filter((e: Frame) => e.type.startsWith('reaction.')).map((e: Frame) => [e.type, e.data.userId])).toEqual([
      ['reaction.added', alice.id],
      ['reaction.added', bob.id],
      ['reaction.removed', bob.id],
    ]);

    const dataDir = server.dataDir;
    await server.close();
    const again = await h.server({ dataDir });
    const a2 = await h.connect(again.url, alice.token);
    expect(await reactionsOf(a2, room.id, message.id)).toEqual([{ emoji: '🎉', userIds: [alice.id] }]);
    await expectConvergent(again.url, bob.token, h);

    const b2 = await h.connect(again.url, bob.token);
    await b2.call('message.delete', { messageId: message.id });
    expect(await again.app.storage.reactions.ofMessages([message.id])).toEqual(new Map());
    expect(await refused(a2, 'reaction.add', { messageId: message.id, emoji: '🎉' })).toEqual({ code: 'NOT_FOUND', message: 'message not found' });
  });
});

describe('@room and @here', () => {
  it('need mention_everyone: without it the message goes out and mentions nobody; with it @room reaches every member and counts exactly', async () => {
    const { server, members, a, b, room } = await lobby();
    const [alice, bob, carol] = members;
    const { message: plain } = await b.call('message.send', { roomId: room.id, text: '@room look', nonce: 'r1' });
    expect(plain.mentions).toBeUndefined();
    const { message: loud } = await a.call('message.send', { roomId: room.id, text: 'hey @room, look', nonce: 'r2' });
    expect([...loud.mentions].sort()).toEqual([bob.id, carol.id].sort());
    expect(loud.mentions).not.toContain(alice.id);
    // @everyone is @room; the count in `state` is exact (one per message, however many ways it mentions).
    await a.call('message.send', { roomId: room.id, text: '@everyone and @carol', nonce: 'r3' });
    const state = await (await h.connect(server.url, carol.token)).call('state');
    expect(state.unread[room.id].mentions).toBe(2);
    await expectConvergent(server.url, carol.token, h);
  });

  it('@here reaches only the members online now', async () => {
    const { server, members, a, c, room } = await lobby();
    const [, bob, carol] = members;
    await c.close();
    await until(() => !server.app.hub.isOnline(carol.id), 'carol offline');
    const { message } = await a.call('message.send', { roomId: room.id, text: '@here standup', nonce: 'h1' });
    expect(message.mentions).toEqual([bob.id]);
    const carolState = await (await h.connect(server.url, carol.token)).call('state');
    expect(carolState.unread[room.id].mentions).toBe(0);
  });
});
