import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect } from 'vitest';
import { Harness, refused } from './community-support.js';
import type { RawClient } from './helpers.js';

/*
 * Property: random boards (public or restricted to roles), posts with hashtags, bookmarks, follows of people,
 * role grants and revocations and board restrictions over time, against a REAL server. Afterwards, for every
 * user, each read that lists posts — tag search, the following feed, bookmarks, profiles' recent posts — holds
 * exactly the posts a model says they may see (boards visible to them now), in the model's order, and a
 * hidden board or post answers exactly like a missing one.
 */

const h = new Harness();
afterEach(() => h.release());

const USERS = 4; // user 0 is the owner, who sees every board
const ROLES = 2;
const TAGS = ['rust', '日本語', 'café'];

type Cmd =
  | { k: 'board'; roles: number[] | null }
  | { k: 'post'; user: number; board: number; tags: number[] }
  | { k: 'bookmark'; user: number; post: number }
  | { k: 'follow'; user: number; other: number }
  | { k: 'restrict'; board: number; roles: number[] }
  | { k: 'open'; board: number }
  | { k: 'grant' | 'revoke'; user: number; role: number };

const nat = (n: number) => fc.nat({ max: n - 1 });
const roles = fc.uniqueArray(nat(ROLES), { minLength: 1, maxLength: ROLES });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ k: fc.constant('board' as const), roles: fc.option(roles, { nil: null }) }),
  fc.record({ k: fc.constant('post' as const), user: nat(USERS), board: fc.nat(), tags: fc.uniqueArray(nat(TAGS.length), { maxLength: 2 }) }),
  fc.record({ k: fc.constant('post' as const), user: nat(USERS), board: fc.nat(), tags: fc.uniqueArray(nat(TAGS.length), { maxLength: 2 }) }),
  fc.record({ k: fc.constant('bookmark' as const), user: nat(USERS), post: fc.nat() }),
  fc.record({ k: fc.constant('follow' as const), user: nat(USERS), other: nat(USERS) }),
  fc.record({ k: fc.constant('restrict' as const), board: fc.nat(), roles }),
  fc.record({ k: fc.constant('open' as const), board: fc.nat() }),
  fc.record({ k: fc.oneof(fc.constant('grant' as const), fc.constant('revoke' as const)), user: fc.integer({ min: 1, max: USERS - 1 }), role: nat(ROLES) }),
);

interface ModelPost {
  id: string;
  board: number;
  author: number;
  tags: string[];
  order: number;
}

describe('forum visibility (property, real server)', () => {
  test.prop([fc.array(cmd, { minLength: 4, maxLength: 25 })], { numRuns: 8 })('lists hold exactly the posts of boards one can see now', async (cmds) => {
    const { members, clients } = await h.community('owner', 'ann', 'ben', 'cat');
    const c = clients as RawClient[];
    const roleIds: string[] = [];
    for (let r = 0; r < ROLES; r++) roleIds.push((await c[0]!.call('role.create', { name: `role${r}` })).role.id);
    const grants = members.map(() => new Set<number>());
    const boards: Array<{ id: string; roles: number[] | null; joined: Set<number> }> = [];
    const posts: ModelPost[] = [];
    const bookmarks = members.map(() => new Set<string>());
    const follows = members.map(() => new Set<number>());
    const sees = (u: number, b: number) => u === 0 || boards[b]!.roles === null || boards[b]!.roles!.some((r) => grants[u]!.has(r));
    let nonce = 0;

    // Every run starts with a public board and one restricted to the first role, each with an owner's post.
    const start: Cmd[] = [
      { k: 'board', roles: null },
      { k: 'board', roles: [0] },
      { k: 'post', user: 0, board: 0, tags: [0] },
      { k: 'post', user: 0, board: 1, tags: [0, 1] },
    ];
    for (const x of [...start, ...cmds]) {
      switch (x.k) {
        case 'board': {
          const params = { name: `board${boards.length}`, kind: 'forum', ...(x.roles && { restrictedTo: x.roles.map((r) => roleIds[r]) }) };
          boards.push({ id: (await c[0]!.call('room.create', params)).room.id, roles: x.roles, joined: new Set([0]) });
          break;
        }
        case 'post': {
          if (boards.length === 0) break;
          const b = x.board % boards.length;
          const board = boards[b]!;
          const tags = x.tags.map((t) => TAGS[t]!);
          const req = { roomId: board.id, title: `post ${posts.length} ${tags.map((t) => `#${t}`).join(' ')}`, text: '', nonce: `n${++nonce}` };
          if (!sees(x.user, b)) {
            expect(await refused(c[x.user]!, 'post.create', req)).toEqual(await refused(c[x.user]!, 'post.create', { ...req, roomId: 'no-such-board' }));
            break;
          }
          if (!board.joined.has(x.user)) {
            await c[x.user]!.call('room.join', { roomId: board.id });
            board.joined.add(x.user);
          }
          const { post } = await c[x.user]!.call('post.create', req);
          expect(post.tags).toEqual(tags.map((t) => t.normalize('NFKC').toLowerCase()));
          posts.push({ id: post.id, board: b, author: x.user, tags: post.tags, order: post.order });
          break;
        }
        case 'bookmark': {
          if (posts.length === 0) break;
          const p = posts[x.post % posts.length]!;
          if (sees(x.user, p.board)) {
            await c[x.user]!.call('bookmark.add', { postId: p.id });
            bookmarks[x.user]!.add(p.id);
          } else {
            expect(await refused(c[x.user]!, 'bookmark.add', { postId: p.id })).toEqual(await refused(c[x.user]!, 'bookmark.add', { postId: 'no-such-post' }));
          }
          break;
        }
        case 'follow':
          if (x.user === x.other) break;
          await c[x.user]!.call('user.follow', { userId: members[x.other]!.id });
          follows[x.user]!.add(x.other);
          break;
        case 'restrict':
        case 'open': {
          if (boards.length === 0) break;
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

    const newest = (ps: ModelPost[]) => [...ps].sort((a, b) => b.order - a.order).map((p) => p.id);
    const ids = (r: { posts: Array<{ id: string }> }) => r.posts.map((p) => p.id);
    for (let u = 0; u < USERS; u++) {
      const mine = posts.filter((p) => sees(u, p.board));
      for (const tag of TAGS) {
        const key = tag.normalize('NFKC').toLowerCase();
        expect(ids(await c[u]!.call('post.tagged', { tag, limit: 100 })), `user ${u} #${tag}`).toEqual(newest(mine.filter((p) => p.tags.includes(key))));
      }
      expect(ids(await c[u]!.call('feed.following', { limit: 100 })), `user ${u} feed`).toEqual(newest(mine.filter((p) => follows[u]!.has(p.author))));
      const marked = mine.filter((p) => bookmarks[u]!.has(p.id));
      expect(new Set(ids(await c[u]!.call('bookmark.list', {}))), `user ${u} bookmarks`).toEqual(new Set(marked.map((p) => p.id)));
      for (let a = 0; a < USERS; a++) {
        const card = (await c[u]!.call('profile.get', { userId: members[a]!.id })).profile;
        expect(card.recentPosts.map((p: { id: string }) => p.id), `user ${u} sees ${a}'s posts`).toEqual(newest(mine.filter((p) => p.author === a)).slice(0, 5));
        // Who follows whom: only the two concerned (nobody here chose to show it).
        if (u !== a) expect(card.followers).toBeUndefined();
      }
      for (let b = 0; b < boards.length; b++) {
        if (sees(u, b)) {
          const page = await c[u]!.call('post.list', { roomId: boards[b]!.id, sort: 'newest', limit: 100 });
          expect(ids(page)).toEqual(newest(posts.filter((p) => p.board === b)));
        } else {
          expect(await refused(c[u]!, 'post.list', { roomId: boards[b]!.id })).toEqual(await refused(c[u]!, 'post.list', { roomId: 'no-such-board' }));
        }
      }
      for (const p of posts) {
        if (!sees(u, p.board)) expect(await refused(c[u]!, 'post.get', { postId: p.id })).toEqual(await refused(c[u]!, 'post.get', { postId: 'no-such-post' }));
      }
    }
    await h.release();
    // A real server and four sockets per run: 18 s alone, more than the default 30 s beside other suites on 2
    // cores. Generous room, as the inbox model has (no timing is asserted).
  }, 180_000);
});
