import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import { createServices } from '../src/app.js';
import type { BatchStep, Storage } from '../src/ports/storage.js';
import { quiet, tempDir } from './helpers.js';
import { ENGINES } from './storage-engines.js';

/*
 * The storage port lets an engine over the network answer every call later. Here the SQLite storage is
 * wrapped so that every repository and log call answers with a promise that runs the real call fifty
 * microtasks later, and each step of a batch is checked to have awaited every call it made before it ends.
 * A service that forgot an `await` would leave a call pending at the end of its step (or would read a
 * promise as a value and fail). The same flow over every feature runs on the plain SQLite store and on each
 * engine's store wrapped so (SQLite, and PostgreSQL, which answers later anyway): the event logs and every
 * read must come out identical.
 */
const dirs: string[] = [];
const stores: SqliteStorage[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

const LATENCY_HOPS = 50;
const REPOS = ['users', 'credentials', 'roles', 'rooms', 'categories', 'messages', 'readMarkers', 'reactions', 'conversations', 'roomSettings', 'files', 'retention', 'forum', 'events'] as const;

/** Every repository call answered one microtask later; `pending` counts calls not yet answered. */
function deferredStorage(real: Storage, problems: string[]): Storage {
  let pending = 0;
  const wrapped = Object.create(real) as Storage;
  for (const name of REPOS) {
    const repo = real[name] as unknown as Record<string, unknown>;
    const proxy: Record<string, unknown> = Object.create(repo);
    for (let proto = Object.getPrototypeOf(repo); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const key of Object.getOwnPropertyNames(proto)) {
        const fn = repo[key];
        // The log's append stays synchronous by contract (the unit assigns orders itself).
        if (key === 'constructor' || typeof fn !== 'function' || key === 'append') continue;
        if (Object.prototype.hasOwnProperty.call(proxy, key)) continue;
        proxy[key] = async (...args: unknown[]) => {
          pending++;
          // Answered many microtasks later (still within the turn: the SQLite adapter refuses a step that
          // waits for I/O), so a call nobody awaits is still pending when its step ends.
          for (let hop = 0; hop < LATENCY_HOPS; hop++) await null;
          pending--;
          return (fn as (...a: unknown[]) => unknown).apply(repo, args);
        };
      }
    }
    (wrapped as unknown as Record<string, unknown>)[name] = proxy;
  }
  wrapped.runBatch = (knownHead, steps, onForeign) =>
    real.runBatch(
      knownHead,
      steps.map(
        (step): BatchStep => ({
          run: async (uow) => {
            const value = await step.run(uow);
            if (pending !== 0) problems.push(`a step ended with ${pending} storage call(s) not awaited`);
            return value;
          },
          rolledBack: () => step.rolledBack(),
        }),
      ),
      onForeign,
    );
  wrapped.transaction = (fn) => real.transaction(fn);
  return wrapped;
}

function filesDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

/** The flow's clock: it moves forward once, so that retention has something to expire. */
let clockNow = 1_700_000_000_000;

async function community(storage: Storage) {
  let ids = 0;
  clockNow = 1_700_000_000_000;
  const s = await createServices({
    storage,
    now: () => clockNow,
    newId: () => `id${String(++ids).padStart(4, '0')}`,
    log: quiet,
    snapshotThreshold: 10_000,
    files: { dir: filesDir(), maxBytes: 1024 * 1024 },
    auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
  });
  return s;
}

/** One pass over every feature's writes and reads; returns what the reads answered. */
async function everyFeature(s: Awaited<ReturnType<typeof community>>) {
  const ip = '127.0.0.1';
  const pw = 'correct horse';
  const owner = await s.auth.signup({ username: 'owner', password: pw, nickname: 'owner' }, ip);
  await s.accessAdmin.grantRole(null, owner.user.id, 'owner');
  const alice = (await s.auth.signup({ username: 'alice', password: pw, nickname: 'alice' }, ip)).user.id;
  const bob = (await s.auth.signup({ username: 'bob', password: pw, nickname: 'bob' }, ip)).user.id;
  const o = owner.user.id;
  const login = await s.auth.login({ username: 'alice', password: pw }, ip);
  const refreshed = await s.auth.refresh(login.refreshToken);
  expect(await s.auth.verify(refreshed.accessToken)).toMatchObject({ user: { id: alice } });

  const { category } = await s.categories.create(o, { name: 'talk' });
  const { room: lobby } = await s.rooms.create(o, { name: 'lobby', categoryId: category.id });
  const { room: other } = await s.rooms.create(alice, { name: 'other' });
  await s.categories.moveRoom(o, { roomId: other.id, categoryId: category.id, position: 0 });
  await s.categories.update(o, { categoryId: category.id, name: 'chat' });
  await s.rooms.update(alice, { roomId: other.id, topic: 'anything' });
  const { role } = await s.roles.create(o, { name: 'mods', color: '#ff0000' });
  await s.roles.update(o, { roleId: role.id, add: ['moderate_messages'] });
  await s.roles.grant(o, { userId: alice, roleId: role.id });
  const { room: staff } = await s.rooms.create(o, { name: 'staff', restrictedTo: [role.id] });
  await s.roomAdmin.open(o, { roomId: staff.id });
  await s.roomAdmin.restrict(o, { roomId: staff.id, roleIds: [role.id] });
  // Membership: messages reach members only, so the speakers join first; joining twice writes nothing.
  await s.membership.join(alice, lobby.id);
  await s.membership.join(alice, lobby.id);
  await s.membership.join(bob, lobby.id);
  await s.membership.join(alice, staff.id);
  await s.membership.part(alice, other.id);
  await s.rooms.update(o, { roomId: lobby.id, autoJoin: true });
  const carol = (await s.auth.signup({ username: 'carol', password: pw, nickname: 'carol' }, ip)).user.id;

  await s.profile.setHighlights(bob, { words: ['pizza'] });
  await s.profile.setNickname(bob, { nickname: 'bobby' });
  await s.profile.setColor(bob, { color: '#00ff00' });
  const hello = await s.messages.send(alice, { roomId: lobby.id, text: 'hi @bobby, pizza?', nonce: 'n1' });
  await s.messages.send(alice, { roomId: lobby.id, text: 'hi @bobby, pizza?', nonce: 'n1' }); // a retry
  await s.messages.send(bob, { roomId: lobby.id, text: 'sure', nonce: 'n2' });
  await s.messages.send(alice, { roomId: staff.id, text: 'secret', nonce: 'n3' });
  await s.messageChanges.edit(alice, { messageId: hello.message.id, text: 'hi @bobby' });
  await s.reactions.add(bob, { messageId: hello.message.id, emoji: ':tada:' });
  await s.reactions.add(bob, { messageId: hello.message.id, emoji: ':tada:' }); // already there: nothing written
  await s.reactions.add(alice, { messageId: hello.message.id, emoji: '👀' });
  await s.reactions.remove(alice, { messageId: hello.message.id, emoji: '👀' });
  const file = await s.files.upload(alice, 'notes.txt', 5, [new TextEncoder().encode('notes')]);
  await s.messages.send(alice, { roomId: lobby.id, text: '', nonce: 'n4', attachments: [file.id] });
  const served = await s.files.open(o, file.id, false);
  const sure = (await s.messages.history(bob, { roomId: lobby.id })).messages.find((m) => m.text === 'sure')!;
  await s.reactions.add(alice, { messageId: sure.id, emoji: '🔥' }); // dropped with the message below
  await s.messageChanges.delete(alice, { messageId: sure.id }); // a moderator deletes another's message
  await s.readMarkers.mark(bob, { roomId: lobby.id, order: hello.message.order });
  // Direct and group chats, receipts and personal settings.
  const { room: dm } = await s.conversations.openDm(alice, { userId: carol });
  await s.conversations.openDm(carol, { userId: alice });
  const { room: group } = await s.conversations.createGroup(alice, { name: 'plans', userIds: [carol] });
  await s.conversations.add(alice, { roomId: group.id, userId: o });
  await s.conversations.update(alice, { roomId: group.id, topic: 'soon' });
  await s.conversations.setAdmin(alice, { roomId: group.id, userId: carol, admin: true });
  const inGroup = await s.messages.send(carol, { roomId: group.id, text: 'when?', nonce: 'n4' });
  await s.readMarkers.mark(alice, { roomId: group.id, order: inGroup.message.order });
  await s.readMarkers.unmark(alice, { roomId: group.id, order: inGroup.message.order });
  await s.conversations.remove(alice, { roomId: group.id, userId: o });
  await s.roomSettings.set(alice, { roomId: dm.id, muted: true, level: 'mentions', localName: 'carol' });
  await s.roomSettings.setDefaults(alice, { chats: 'none' });
  // Threads: a reply (following, root summary), a reply to a reply, follow levels, a thread read marker, a deleted reply.
  const reply = await s.messages.send(bob, { roomId: lobby.id, text: 'in thread @alice', nonce: 'n4', threadId: hello.message.id });
  await s.messages.send(alice, { roomId: lobby.id, text: 'nested', nonce: 'n5', threadId: reply.message.id, alsoInRoom: true });
  await s.threads.follow(o, { roomId: lobby.id, threadId: hello.message.id, level: 'mentions' });
  await s.threads.follow(bob, { roomId: lobby.id, threadId: hello.message.id, muted: true });
  await s.threads.read(alice, { roomId: lobby.id, threadId: hello.message.id, order: reply.message.order });
  await s.threads.unfollow(o, { roomId: lobby.id, threadId: hello.message.id });
  await s.messageChanges.delete(bob, { messageId: reply.message.id });
  const thread = await s.threads.history(alice, { roomId: lobby.id, threadId: hello.message.id });
  // The forum: a board, posts with hashtags, a comment, an edit, lock and pin, bookmarks, follows, a profile.
  const { room: board } = await s.rooms.create(o, { name: 'ideas', kind: 'forum' });
  await s.membership.join(alice, board.id);
  const { post } = await s.posts.create(alice, { roomId: board.id, title: 'Plans #soon', text: 'what #next', nonce: 'p1' });
  await s.posts.create(alice, { roomId: board.id, title: 'Plans #soon', text: 'what #next', nonce: 'p1' }); // a retry
  await s.messages.send(o, { roomId: board.id, text: 'agreed', nonce: 'p2', threadId: post.id });
  await s.posts.edit(alice, { postId: post.id, title: 'Plans #later' });
  await s.posts.moderate(o, { postId: post.id, locked: true, pinned: true });
  await s.people.bookmark(carol, { postId: post.id });
  await s.people.unbookmark(carol, { postId: post.id });
  await s.people.bookmark(carol, { postId: post.id });
  await s.people.follow(carol, { userId: alice });
  await s.people.follow(bob, { userId: alice });
  await s.people.unfollow(bob, { userId: alice });
  await s.people.setProfile(alice, { bio: 'planner', showFollows: true });
  const forum = {
    board: await s.posts.list(carol, { roomId: board.id }),
    tagged: await s.posts.tagged(carol, { tag: 'later' }),
    bookmarks: await s.people.bookmarks(carol),
    feed: await s.people.feed(carol, {}),
    profile: await s.people.profile(carol, { userId: alice }),
  };
  expect(forum.board.pinned.map((p) => [p.title, p.tags, p.comments, p.locked])).toEqual([['Plans #later', ['later', 'next'], 1, true]]);
  expect(forum.bookmarks.posts).toHaveLength(1);
  expect(forum.profile.profile.followers).toEqual([carol]);

  const { invite } = await s.invites.create(o, { uses: 2 });
  const invites = await s.invites.list(o);
  await s.invites.revoke(o, { inviteId: invite.id });
  await s.roles.revoke(o, { userId: alice, roleId: role.id });
  await s.moderation.kick(o, { userId: bob });
  await s.auth.signup({ username: 'bob', password: pw, invite: (await s.invites.create(o, { uses: 1 })).invite.code! }, ip);
  await s.moderation.ban(o, { userId: bob });
  await s.moderation.unban(o, { userId: bob });
  await s.roles.delete(o, { roleId: role.id });
  await s.categories.delete(o, { categoryId: category.id });
  await s.roomAdmin.delete(o, { roomId: other.id });
  await s.auth.logout(refreshed.refreshToken);
  // Retention: a policy on the staff room, two hours on, a sweep removes its message (and nothing else).
  await s.retention.setPolicy(o, { roomId: staff.id, seconds: 3600 });
  clockNow += 2 * 3_600_000;
  await s.messages.send(o, { roomId: staff.id, text: 'still here', nonce: 'n6' });
  const swept = await s.retention.sweep();
  expect(swept.rooms.map((r) => [r.name, r.messages])).toEqual([['staff', 1]]);

  return {
    swept,
    staffHistory: await s.messages.history(o, { roomId: staff.id }),
    history: await s.messages.history(o, { roomId: lobby.id }),
    thread,
    forum,
    state: await s.state.state(o),
    aliceState: await s.state.state(alice),
    carolState: await s.state.state(carol),
    members: await s.membership.members(o, lobby.id),
    sync: (await s.sync.page(alice, 0, 1000)).events.map((e) => [e.order, e.type]),
    invites: invites.invites.length,
    file: [file, served.size, served.mime, served.name],
    roles: await s.roles.list(),
    search: await s.search.messages(o, { query: 'bobby' }),
    around: await s.search.around(o, { roomId: lobby.id, messageId: hello.message.id, before: 2, after: 2 }),
    found: [await s.search.users({ query: 'a' }), await s.search.rooms(o, { query: 'lob' })],
  };
}

describe.each(ENGINES)('the services on an engine whose every call answers later ($name)', (engine) => {
  // PostgreSQL needs every feature's repository (adapters/postgres/feature-repos.ts) for this flow.
  it.runIf(engine.complete)('await every storage call, and produce exactly what the synchronous SQLite engine produces', async () => {
    const run = async (real: Storage, wrap: boolean) => {
      const problems: string[] = [];
      const s = await community(wrap ? deferredStorage(real, problems) : real);
      const reads = await everyFeature(s);
      const log = (await real.events.after(0, 10_000)).map((e) => [e.order, e.type, e.dataJson]);
      return { reads, log, problems };
    };
    const dir = tempDir();
    dirs.push(dir);
    const reference = SqliteStorage.open(dir);
    stores.push(reference);
    const plain = await run(reference, false);
    const deferred = await run(await engine.open(), true);
    expect(deferred.problems).toEqual([]);
    expect(deferred.log.length).toBeGreaterThan(30);
    expect(deferred.log).toEqual(plain.log);
    expect(deferred.reads).toEqual(plain.reads);
  });
});
