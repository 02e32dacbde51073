import type { Harness } from './community-support.js';
import type { RawClient } from './helpers.js';

/** What the forum and inbox tests share: a board three members joined, and posting and commenting on it. */
export type Frame = Record<string, any>;

let nonces = 0;
export const nonce = () => `f${++nonces}`;

export async function boardOfThree(h: Harness) {
  const { server, members, clients } = await h.community('alice', 'bob', 'carol');
  const [a, b, c] = clients as [RawClient, RawClient, RawClient];
  const { room } = await a.call('room.create', { name: 'ideas', kind: 'forum' });
  await b.call('room.join', { roomId: room.id });
  await c.call('room.join', { roomId: room.id });
  return { server, members, a, b, c, board: room.id as string };
}

export const post = (c: RawClient, roomId: string, title: string, text = '') =>
  c.call('post.create', { roomId, title, text, nonce: nonce() }).then((r) => r.post as Frame);
export const comment = (c: RawClient, roomId: string, postId: string, text: string) =>
  c.call('message.send', { roomId, text, nonce: nonce(), threadId: postId }).then((r) => r.message as Frame);
