import { expect } from 'vitest';
import { createServices } from '../src/app.js';
import type { Storage } from '../src/ports/storage.js';
import { quiet } from './helpers.js';

/*
 * One pass over every feature's writes and reads through the services, with injected ids and a clock, so two
 * stores that run it come out identical: the async-engine test runs it on SQLite plain and wrapped, the
 * PostgreSQL feature test on SQLite and PostgreSQL.
 */

/** The flow's clock: it moves forward once, so that retention has something to expire. */
let clockNow = 1_700_000_000_000;

export async function community(storage: Storage, filesDir: string) {
  let ids = 0;
  clockNow = 1_700_000_000_000;
  const s = await createServices({
    storage,
    now: () => clockNow,
    newId: () => `id${String(++ids).padStart(4, '0')}`,
    log: quiet,
    snapshotThreshold: 10_000,
    files: { dir: filesDir, maxBytes: 1024 * 1024 },
    auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
  });
  return s;
}

/** One pass over every feature's writes and reads; returns what the reads answered. */
export async function everyFeature(s: Awaited<ReturnType<typeof community>>) {
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

/**
 * After `everyFeature`: what account safety and the inbox read (the fan-out's items too), app passwords used
 * and revoked, people in a voice room, then an account erased (its messages, DMs, reactions, files and held
 * names), and what remains to read.
 */
export async function accountsAndInbox(storage: Storage, s: Awaited<ReturnType<typeof community>>) {
  const id = async (name: string) => (await storage.users.byUsername(name))!.id;
  const [owner, alice, carol] = [await id('owner'), await id('alice'), await id('carol')];
  // A new post of alice's reaches her follower carol through the fan-out outbox, after its commit: wait for it.
  const board = (await storage.rooms.all()).find((r) => r.name === 'ideas')!;
  const { post: news } = await s.posts.create(alice, { roomId: board.id, title: 'Followers see this', text: 'news', nonce: 'p3' });
  await s.inbox.fanoutSettled();
  // Reactions on a post reach its author's inbox; one taken back leaves it.
  await s.membership.join(carol, board.id);
  await s.reactions.add(carol, { messageId: news.id, emoji: '👍' });
  await s.reactions.add(carol, { messageId: news.id, emoji: '🎉' });
  await s.reactions.remove(carol, { messageId: news.id, emoji: '👍' });
  const aliceInbox = await s.inbox.list(alice, {});
  expect(aliceInbox.items.filter((i) => i.kind === 'reaction').map((i) => i.emoji)).toEqual(['🎉']);
  // App passwords: carol makes two, logs in through the gateway with one (it records the use), revokes the other.
  const apps = s.accountSecurity.appPasswords;
  const irc = await apps.create(carol, 'irssi');
  const spare = await apps.create(carol, 'weechat');
  const gateway = await s.accountSecurity.verifyGatewayLogin('carol', irc.secret, '127.0.0.1');
  await apps.revoke(carol, spare.appPassword.id);
  expect(gateway).toEqual({ ok: true, userId: carol, appPasswordId: irc.appPassword.id });
  expect((await apps.list(carol)).appPasswords.map((p) => [p.name, p.lastAddress])).toEqual([['irssi', '127.0.0.1']]);
  // Voice: a room, two people in join order (a slot each), carol muted then deafened, the owner leaving.
  const { room: hangout } = await s.rooms.create(owner, { name: 'hangout', kind: 'voice' });
  const inHangout = () => s.voice.inRooms(new Set([hangout.id]));
  const joined = [await s.voice.join(owner, { roomId: hangout.id }), await s.voice.join(carol, { roomId: hangout.id, muted: true })];
  await s.voice.set(carol, { deafened: true });
  const voice = { joined, during: await inHangout(), left: await s.voice.leave(owner, 'left'), after: await inHangout() };
  expect(voice.after.map((p) => [p.userId, p.slot, p.muted, p.deafened])).toEqual([[carol, 2, true, true]]);
  const carolInbox = await s.inbox.list(carol, {});
  expect(carolInbox.items.map((i) => [i.kind, i.actorId])).toContainEqual(['post', alice]);
  return {
    carolInbox,
    gateway,
    voice,
    export: await s.accountSecurity.exportData(carol),
    sessions: await s.accountSecurity.sessions(carol, null),
    inbox: [await s.inbox.list(owner, {}), aliceInbox],
    deleted: await s.accountSecurity.deleteAccount(alice, { password: 'correct horse', messages: 'erase' }),
    after: [await s.inbox.list(owner, {}), await s.search.messages(owner, { query: 'hello' })],
  };
}
