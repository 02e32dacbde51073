import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect } from 'vitest';
import type { InboxKind } from '@open-discord/protocol';
import { Harness } from './community-support.js';
import type { RawClient } from './helpers.js';

/*
 * Property: random boards (public or restricted to roles), posts, comments, reactions, follows of people,
 * reactions taken back, inbox settings, "read all", role grants and revocations and board restrictions over time, against a REAL
 * server. Afterwards every user's inbox holds exactly the items a model says (news meant for them, of kinds
 * switched on when it happened, from boards they can see NOW), and its unread count is the model's.
 */

const h = new Harness();
afterEach(() => h.release());

const USERS = 4; // user 0 is the owner, who sees every board
const ROLES = 2;
const KINDS: InboxKind[] = ['reply', 'comment', 'post', 'reaction'];

type Cmd =
  | { k: 'board'; roles: number[] | null }
  | { k: 'post'; user: number; board: number }
  | { k: 'comment'; user: number; post: number }
  | { k: 'react' | 'unreact'; user: number; post: number }
  | { k: 'follow' | 'unfollow'; user: number; other: number }
  | { k: 'setting'; user: number; kind: number; on: boolean }
  | { k: 'readAll'; user: number }
  | { k: 'restrict'; board: number; roles: number[] }
  | { k: 'open'; board: number }
  | { k: 'grant' | 'revoke'; user: number; role: number };

const nat = (n: number) => fc.nat({ max: n - 1 });
const roles = fc.uniqueArray(nat(ROLES), { minLength: 1, maxLength: ROLES });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ k: fc.constant('board' as const), roles: fc.option(roles, { nil: null }) }),
  fc.record({ k: fc.constant('post' as const), user: nat(USERS), board: fc.nat() }),
  fc.record({ k: fc.constant('comment' as const), user: nat(USERS), post: fc.nat() }),
  fc.record({ k: fc.constant('comment' as const), user: nat(USERS), post: fc.nat() }),
  fc.record({ k: fc.constant('react' as const), user: nat(USERS), post: fc.nat() }),
  fc.record({ k: fc.constant('unreact' as const), user: nat(USERS), post: fc.nat() }),
  fc.record({ k: fc.oneof(fc.constant('follow' as const), fc.constant('follow' as const), fc.constant('unfollow' as const)), user: nat(USERS), other: nat(USERS) }),
  fc.record({ k: fc.constant('setting' as const), user: nat(USERS), kind: nat(KINDS.length), on: fc.boolean() }),
  fc.record({ k: fc.constant('readAll' as const), user: nat(USERS) }),
  fc.record({ k: fc.constant('restrict' as const), board: fc.nat(), roles }),
  fc.record({ k: fc.constant('open' as const), board: fc.nat() }),
  fc.record({ k: fc.oneof(fc.constant('grant' as const), fc.constant('revoke' as const)), user: fc.integer({ min: 1, max: USERS - 1 }), role: nat(ROLES) }),
);

interface ModelPost {
  id: string;
  board: number;
  author: number;
  commented: boolean;
  followers: Set<number>;
  reactedBy: Set<number>;
}
interface ModelItem {
  user: number;
  actor: number;
  board: number;
  kind: InboxKind;
  messageId: string;
  read: boolean;
}

describe('inbox counts against a model (property, real server)', () => {
  test.prop([fc.array(cmd, { minLength: 6, maxLength: 30 })], { numRuns: 8 })('every inbox holds exactly the model items of boards one can see now', async (cmds) => {
    const { server, members, clients } = await h.community('owner', 'ann', 'ben', 'cat');
    // Posts and comments reach followers after their own commit: the model is compared once they have.
    const fannedOut = () => server.app.services.inbox.fanoutSettled();
    const c = clients as RawClient[];
    const roleIds: string[] = [];
    for (let r = 0; r < ROLES; r++) roleIds.push((await c[0]!.call('role.create', { name: `role${r}` })).role.id);
    const grants = members.map(() => new Set<number>());
    const boards: Array<{ id: string; roles: number[] | null; joined: Set<number> }> = [];
    const posts: ModelPost[] = [];
    const follows = members.map(() => new Set<number>());
    const settings = members.map(() => new Set<InboxKind>(KINDS));
    const items: ModelItem[] = [];
    const sees = (u: number, b: number) => u === 0 || boards[b]!.roles === null || boards[b]!.roles!.some((r) => grants[u]!.has(r));
    let nonce = 0;
    const join = async (u: number, b: number) => {
      if (boards[b]!.joined.has(u)) return;
      await c[u]!.call('room.join', { roomId: boards[b]!.id });
      boards[b]!.joined.add(u);
    };
    /** News reaches a user who is not its actor, sees the board now and has the kind on. */
    const deliver = (to: Map<number, InboxKind>, actor: number, b: number, messageId: string) => {
      for (const [u, kind] of to) if (u !== actor && sees(u, b) && settings[u]!.has(kind)) items.push({ user: u, actor, board: b, kind, messageId, read: false });
    };

    const start: Cmd[] = [
      { k: 'board', roles: null },
      { k: 'board', roles: [0] },
      { k: 'follow', user: 1, other: 0 },
      { k: 'post', user: 0, board: 0 },
      { k: 'comment', user: 1, post: 0 },
    ];
    for (const x of [...start, ...cmds]) {
      switch (x.k) {
        case 'board': {
          const params = { name: `board${boards.length}`, kind: 'forum', ...(x.roles && { restrictedTo: x.roles.map((r) => roleIds[r]) }) };
          boards.push({ id: (await c[0]!.call('room.create', params)).room.id, roles: x.roles, joined: new Set([0]) });
          break;
        }
        case 'post': {
          const b = x.board % boards.length;
          if (!sees(x.user, b)) break;
          await join(x.user, b);
          const { post } = await c[x.user]!.call('post.create', { roomId: boards[b]!.id, title: `post ${posts.length}`, text: 'body', nonce: `n${++nonce}` });
          posts.push({ id: post.id, board: b, author: x.user, commented: false, followers: new Set(), reactedBy: new Set() });
          const to = new Map<number, InboxKind>();
          for (let f = 0; f < USERS; f++) if (follows[f]!.has(x.user)) to.set(f, 'post');
          await fannedOut();
          deliver(to, x.user, b, post.id);
          break;
        }
        case 'comment': {
          if (posts.length === 0) break;
          const p = posts[x.post % posts.length]!;
          if (!sees(x.user, p.board)) break;
          await join(x.user, p.board);
          // Who follows the thread: the commenter, and the post's author at the first comment (if they see it).
          const who = [x.user, ...(p.commented ? [] : [p.author])];
          for (const w of who) if (sees(w, p.board) && boards[p.board]!.joined.has(w)) p.followers.add(w);
          p.commented = true;
          const { message } = await c[x.user]!.call('message.send', { roomId: boards[p.board]!.id, threadId: p.id, text: `comment ${++nonce}`, nonce: `n${nonce}` });
          const to = new Map<number, InboxKind>();
          for (const f of p.followers) to.set(f, 'comment');
          to.set(p.author, 'reply');
          await fannedOut();
          deliver(to, x.user, p.board, message.id);
          break;
        }
        case 'react': {
          if (posts.length === 0) break;
          const p = posts[x.post % posts.length]!;
          if (!sees(x.user, p.board) || p.reactedBy.has(x.user)) break;
          await join(x.user, p.board);
          await c[x.user]!.call('reaction.add', { messageId: p.id, emoji: '👍' });
          p.reactedBy.add(x.user);
          deliver(new Map([[p.author, 'reaction' as InboxKind]]), x.user, p.board, p.id);
          break;
        }
        case 'unreact': {
          // Taking a reaction back takes its item out of the author's inbox (read or not).
          if (posts.length === 0) break;
          const p = posts[x.post % posts.length]!;
          if (!sees(x.user, p.board) || !p.reactedBy.has(x.user)) break;
          await c[x.user]!.call('reaction.remove', { messageId: p.id, emoji: '👍' });
          p.reactedBy.delete(x.user);
          const at = items.findIndex((i) => i.kind === 'reaction' && i.messageId === p.id && i.user === p.author && i.actor === x.user);
          if (at >= 0) items.splice(at, 1);
          break;
        }
        case 'follow':
        case 'unfollow':
          if (x.user === x.other) break;
          await c[x.user]!.call(x.k === 'follow' ? 'user.follow' : 'user.unfollow', { userId: members[x.other]!.id });
          if (x.k === 'follow') follows[x.user]!.add(x.other);
          else follows[x.user]!.delete(x.other);
          break;
        case 'setting': {
          const kind = KINDS[x.kind]!;
          await c[x.user]!.call('inbox.settings', { [kind]: x.on });
          if (x.on) settings[x.user]!.add(kind);
          else settings[x.user]!.delete(kind);
          break;
        }
        case 'readAll':
          await c[x.user]!.call('inbox.read', { all: true });
          // Every item is read, those of hidden boards too (they come back read if the board does).
          for (const i of items) if (i.user === x.user) i.read = true;
          break;
        case 'restrict':
        case 'open': {
          const b = x.board % boards.length;
          if (x.k === 'restrict') await c[0]!.call('room.restrict', { roomId: boards[b]!.id, roleIds: x.roles.map((r) => roleIds[r]) });
          else await c[0]!.call('room.open', { roomId: boards[b]!.id });
          boards[b]!.roles = x.k === 'restrict' ? x.roles : null;
          break;
        }
        case 'grant':
        case 'revoke':
          await c[0]!.call(x.k === 'grant' ? 'role.grant' : 'role.revoke', { userId: members[x.user]!.id, roleId: roleIds[x.role] });
          if (x.k === 'grant') grants[x.user]!.add(x.role);
          else grants[x.user]!.delete(x.role);
          break;
      }
    }

    const key = (i: { kind: string; messageId: string; read: boolean }) => `${i.kind}:${i.messageId}:${i.read ? 'read' : 'new'}`;
    for (let u = 0; u < USERS; u++) {
      const mine = items.filter((i) => i.user === u && sees(u, i.board));
      const got = await c[u]!.call('inbox.list', { limit: 100 });
      expect(got.items.map(key).sort(), `user ${u} items`).toEqual(mine.map(key).sort());
      expect(got.unread, `user ${u} unread`).toBe(mine.filter((i) => !i.read).length);
      // Newest first, and no item of a board the user cannot see now.
      const orders = got.items.map((i: { order: number }) => i.order);
      expect(orders).toEqual([...orders].sort((a, b) => b - a));
      const hidden = new Set(boards.filter((_, b) => !sees(u, b)).map((b) => b.id));
      expect(got.items.filter((i: { roomId: string }) => hidden.has(i.roomId))).toEqual([]);
    }
    await h.release();
    // Each run is a real server and four sockets: generous room on a busy machine (no timing is asserted).
  }, 180_000);
});
