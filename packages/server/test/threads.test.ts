import { afterEach, describe, expect, it } from 'vitest';
import { applyEvent, decodeEvent, type StateResult, type World, worldFromState } from '@open-discord/protocol';
import { foldFromZero, Harness, liveEvent, refused } from './community-support.js';
import type { RawClient } from './helpers.js';

/*
 * Threads end to end over real sockets: replies keep their root's summary, followers count exactly what
 * the server counts (live, after a resync from an older order, after a restart), and threads of hidden
 * rooms answer exactly like missing ones.
 */

const h = new Harness();
afterEach(() => h.release());

type Frame = Record<string, any>;
const followedOf = (w: World) =>
  Object.fromEntries(Object.entries(w.followed).map(([id, { since: _s, ...f }]) => [id, f]));

/** The world a client folds from order 0 agrees with `state` on followed threads, and with history on root summaries. */
async function expectThreadsConvergent(c: RawClient, roomId: string): Promise<StateResult> {
  const state = (await c.call('state')) as StateResult;
  const world = await foldFromZero(c, state);
  expect(followedOf(world)).toEqual(state.threads ?? {});
  const { messages } = await c.call('history', { roomId, limit: 200 });
  expect(world.messages[roomId] ?? []).toEqual(messages);
  return state;
}

async function setup() {
  const { server, members, clients } = await h.community('alice', 'bob', 'carol');
  const [a, b, c] = clients as [RawClient, RawClient, RawClient];
  const { room } = await a.call('room.create', { name: 'lobby' });
  await b.call('room.join', { roomId: room.id });
  await c.call('room.join', { roomId: room.id });
  return { server, members, a, b, c, roomId: room.id as string };
}

let nonces = 0;
const send = (c: RawClient, roomId: string, text: string, extra: Record<string, unknown> = {}) =>
  c.call('message.send', { roomId, text, nonce: `n${++nonces}`, ...extra }).then((r) => r.message);

describe('threads', () => {
  it('a reply keeps its root summary, stays out of the room, and is counted for followers only', async () => {
    const { members, a, b, c, roomId } = await setup();
    const [alice, bob, carol] = members;
    const root = await send(a, roomId, 'lunch?');
    const reply = await send(b, roomId, 'yes', { threadId: root.id });
    expect(reply).toMatchObject({ threadId: root.id });
    expect(reply.alsoInRoom).toBeUndefined();
    // The root's author follows at the first reply: the private follow comes before the reply.
    const followed = await liveEvent(a, (e) => e.type === 'thread.followed');
    expect(followed.data).toMatchObject({ threadId: root.id, level: 'all', muted: false });
    expect(followed.order).toBeLessThan(reply.order);
    expect(c.frames.some((f) => f.type === 'event' && f.event.type === 'thread.followed')).toBe(false);

    // A reply to a reply goes to the root; a mention makes carol follow; alsoInRoom shows it in the room.
    const nested = await send(a, roomId, `ok @${carol!.nickname}`, { threadId: reply.id, alsoInRoom: true });
    expect(nested).toMatchObject({ threadId: root.id, alsoInRoom: true, mentions: [carol!.id] });
    const history = (await a.call('history', { roomId })).messages as Frame[];
    expect(history.map((m) => m.id)).toEqual([root.id, nested.id]);
    expect(history[0]!.thread).toMatchObject({ count: 2, lastOrder: nested.order, lastAuthorIds: [alice!.id, bob!.id] });
    const thread = await a.call('thread.history', { roomId, threadId: root.id });
    expect(thread.root.id).toBe(root.id);
    expect(thread.messages.map((m: Frame) => m.id)).toEqual([reply.id, nested.id]);
    expect(thread.end).toBe(true);

    // Counts: alice follows (root author): bob's reply is unread, her own is not. Bob replied: alice's
    // reply is unread for him. Carol was mentioned: her mention is unread. Room unread counts only the
    // alsoInRoom reply; the thread-only reply is not the room's.
    const sa = (await a.call('state')) as StateResult;
    expect(sa.threads![root.id]).toMatchObject({ roomId, unread: { count: 1, mentions: 0 } });
    const sb = (await b.call('state')) as StateResult;
    expect(sb.threads![root.id]!.unread).toEqual({ count: 1, mentions: 0 });
    expect(sb.unread[roomId]).toEqual({ count: 2, mentions: 0 });
    const sc = (await c.call('state')) as StateResult;
    expect(sc.threads![root.id]!.unread).toEqual({ count: 1, mentions: 1 });
    expect(sc.unread[roomId]).toEqual({ count: 2, mentions: 1 });

    // Reading the thread clears it; marking the room read clears followed threads too.
    await b.call('thread.read', { roomId, threadId: root.id, order: nested.order });
    expect(((await b.call('state')) as StateResult).threads![root.id]!.unread).toEqual({ count: 0, mentions: 0 });
    await c.call('read.mark', { roomId, order: nested.order });
    expect(((await c.call('state')) as StateResult).threads![root.id]!.unread).toEqual({ count: 0, mentions: 0 });

    // Levels and unfollow.
    await a.call('thread.follow', { roomId, threadId: root.id, level: 'mentions', muted: true });
    expect(((await a.call('state')) as StateResult).threads![root.id]).toMatchObject({ level: 'mentions', muted: true });
    await a.call('thread.unfollow', { roomId, threadId: root.id });
    expect(((await a.call('state')) as StateResult).threads).toEqual({});

    // A deleted reply leaves the count, announced to the room with the new summary.
    await b.call('message.delete', { messageId: reply.id });
    const updated = await liveEvent(c, (e) => e.type === 'thread.updated');
    expect(updated.data.thread).toMatchObject({ count: 1, lastAuthorIds: [alice!.id] });
    expect((await a.call('history', { roomId })).messages[0].thread.count).toBe(1);

    for (const x of [a, b, c]) await expectThreadsConvergent(x, roomId);
  });

  it('a room one parts and joins again brings its followed threads back live, with the counts state has', async () => {
    const { server, a, b, roomId } = await setup();
    const root = await send(a, roomId, 'plans?');
    await send(b, roomId, 'me too', { threadId: root.id });
    await liveEvent(b, (e) => e.type === 'thread.followed' && e.data.threadId === root.id);
    await b.call('room.part', { roomId });
    // While bob is away the thread goes on; back in the room, it is read up to his return (like the room).
    await send(a, roomId, 'while you were out', { threadId: root.id });
    const before = server.head();
    await b.call('room.join', { roomId });
    const back = await liveEvent(b, (e) => e.type === 'thread.followed' && e.data.threadId === root.id && e.order > before);
    const state = (await b.call('state')) as StateResult;
    expect(back.data).toEqual({ roomId, threadId: root.id, ...state.threads![root.id] });
    // Other members hear nothing of it (the event is private).
    expect(a.events.filter((f) => f.event.type === 'thread.followed' && f.event.data.threadId === root.id && f.event.order === back.order)).toEqual([]);
    // A client folding the stream (it dropped the room's threads when it parted) agrees with state without
    // reloading it. (Messages are not compared: a fold keeps nothing of a room while one is out of it.)
    await send(a, roomId, 'welcome back', { threadId: root.id });
    await liveEvent(b, (e) => e.type === 'message.created' && e.data.message.text === 'welcome back');
    const now = (await b.call('state')) as StateResult;
    expect(followedOf(await foldFromZero(b, now))).toEqual(now.threads);
    expect(now.threads![root.id]!.unread).toEqual({ count: 1, mentions: 0 });
  });

  it('refuses bad replies clearly and writes nothing', async () => {
    const { a, b, roomId } = await setup();
    const root = await send(a, roomId, 'root');
    const { room: other } = await a.call('room.create', { name: 'other' });
    const before = (await a.call('state')).head;
    expect(await refused(a, 'message.send', { roomId, text: 'x', nonce: 'bad1', alsoInRoom: true })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused(a, 'message.send', { roomId, text: 'x', nonce: 'bad2', threadId: 'nope' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(a, 'message.send', { roomId: other.id, text: 'x', nonce: 'bad3', threadId: root.id })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(b, 'thread.follow', { roomId, threadId: 'nope' })).toMatchObject({ code: 'NOT_FOUND', message: 'thread not found' });
    expect(await refused(b, 'thread.follow', { roomId, threadId: root.id, level: 'loud' })).toMatchObject({ code: 'BAD_REQUEST' });
    expect((await a.call('state')).head).toBe(before);
    // Following a thread by hand starts it read; a level change writes one event, a repeat none.
    await b.call('thread.follow', { roomId, threadId: root.id });
    const head = (await b.call('state')).head;
    await b.call('thread.follow', { roomId, threadId: root.id });
    expect((await b.call('state')).head).toBe(head);
  });

  it('threads of a hidden room answer exactly like a missing room and never reach outsiders', async () => {
    const { a, c, roomId, members } = await setup();
    const { role } = await a.call('role.create', { name: 'staff' });
    const { room: secret } = await a.call('room.create', { name: 'secret' });
    await a.call('role.grant', { userId: members[1]!.id, roleId: role.id });
    // Carol is in the room and follows its thread (mentioned) until the room is restricted away from her.
    await c.call('room.join', { roomId: secret.id });
    const root = await send(a, secret.id, 'hush');
    await send(a, secret.id, `reply @${members[2]!.nickname}`, { threadId: root.id });
    expect(Object.keys(((await c.call('state')) as StateResult).threads!)).toEqual([root.id]);
    await a.call('room.restrict', { roomId: secret.id, roleIds: [role.id] });
    const missing = { roomId: 'no-such-room', threadId: root.id };
    for (const [type, extra] of [
      ['thread.history', {}],
      ['thread.follow', {}],
      ['thread.unfollow', {}],
      ['thread.read', { order: 1 }],
    ] as const) {
      const hidden = await refused(c, type, { roomId: secret.id, threadId: root.id, ...extra });
      expect(hidden).toEqual(await refused(c, type, { ...missing, ...extra }));
      expect(hidden).toEqual({ code: 'NOT_FOUND', message: 'room not found' });
    }
    const hiddenSend = await refused(c, 'message.send', { roomId: secret.id, text: 'x', nonce: 'h1', threadId: root.id });
    expect(hiddenSend).toEqual(await refused(c, 'message.send', { roomId: 'no-such-room', text: 'x', nonce: 'h2', threadId: root.id }));
    const sc = (await c.call('state')) as StateResult;
    expect(sc.threads ?? {}).toEqual({});
    await expectThreadsConvergent(c, roomId);
  });

  for (const restart of [false, true]) {
    it(`a follower resuming from an older order${restart ? ' after a server restart' : ''} counts what the server counts`, async () => {
      const { server, members, a, b, roomId } = await setup();
      const root = await send(a, roomId, 'root');
      await send(b, roomId, 'first', { threadId: root.id });
      const resumeAt = (await a.call('state')) as StateResult;
      let world = worldFromState(resumeAt);
      await a.close();
      await send(b, roomId, `more @${members[0]!.nickname}`, { threadId: root.id });
      await send(b, roomId, 'shown', { threadId: root.id, alsoInRoom: true });
      let url = server.url;
      if (restart) {
        await server.close();
        url = (await h.server({ dataDir: server.dataDir })).url;
      }
      const a2 = await h.connect(url, members[0]!.token, resumeAt.head);
      const replayed = a2.frames.filter((f) => f.type === 'replay').flatMap((f) => f.events);
      for (const raw of replayed) world = applyEvent(world, decodeEvent(raw)!);
      const state = (await a2.call('state')) as StateResult;
      expect(followedOf(world)).toEqual(state.threads);
      expect(state.threads![root.id]!.unread).toEqual({ count: 3, mentions: 1 });
      expect(world.unread[roomId]).toEqual(state.unread[roomId]);
      const hist = (await a2.call('history', { roomId })).messages as Frame[];
      expect(hist[0]!.thread).toMatchObject({ count: 3 });
    });
  }
});
