import type { Post, Profile } from '@open-discord/protocol';
import type { AppState } from '../app-state.js';
import { authorOf } from '../roles/roles.js';
import { roomLabel } from '../rooms/selectors.js';
import { ago } from '../threads/summary.js';
import { boardRows, type BoardView } from './forum.js';

/** One post as a list draws it. */
export interface PostRow {
  id: string;
  /** Something new since the reader last read the board or the post's thread. */
  unread: boolean;
  marks: string;
  title: string;
  tags: string;
  author: string;
  authorColor: string;
  /** `3 comments · 5m ago` (and the board, in lists from several boards). */
  meta: string;
}

/** The board on screen, when the room on screen is one. */
export function currentBoard(state: AppState): { roomId: string; board: BoardView | null } | null {
  const id = state.currentRoomId;
  if (!id || state.world?.rooms[id]?.kind !== 'forum') return null;
  return { roomId: id, board: state.forum.boards[id] ?? null };
}

/** Unread: its newest activity is past both the board's read marker and the post's own thread marker. */
export function postUnread(state: AppState, p: Post): boolean {
  const world = state.world;
  if (!world || p.authorId === world.me.id && p.comments === 0) return false;
  const read = Math.max(world.readMarkers[p.roomId] ?? 0, world.followed[p.id]?.readOrder ?? 0);
  return p.lastOrder > read;
}

export function postRow(state: AppState, p: Post, now: number, withBoard: boolean): PostRow {
  const author = state.world ? authorOf(state.world, p.authorId) : { nick: p.authorId, color: 'white' };
  const comments = `${p.comments} ${p.comments === 1 ? 'comment' : 'comments'}`;
  const board = withBoard && state.world?.rooms[p.roomId] ? `#${roomLabel(state, p.roomId)} · ` : '';
  return {
    id: p.id,
    unread: postUnread(state, p),
    marks: `${p.pinned ? '📌' : ''}${p.locked ? '🔒' : ''}`,
    title: p.title,
    tags: p.tags.map((t) => `#${t}`).join(' '),
    author: author.nick,
    authorColor: author.color,
    meta: `${board}${comments} · ${ago(p.lastAt, now)}`,
  };
}

export function boardPostRows(state: AppState, board: BoardView, now: number): PostRow[] {
  return boardRows(board).map((p) => postRow(state, p, now, false));
}

/** The board's title line: its name, sort and filter. */
export function boardTitle(state: AppState, roomId: string, board: BoardView | null): string {
  const sort = board?.sort ?? 'latest';
  const tag = board?.tag ? ` · #${board.tag}` : '';
  return `board #${roomLabel(state, roomId)} · ${sort === 'latest' ? 'latest activity' : 'newest'}${tag}`;
}

/** A profile card's lines: name, bio, avatar or initials, follows when shown. */
export function profileLines(state: AppState, p: Profile): string[] {
  const world = state.world;
  const nick = (id: string) => world?.users[id]?.nickname ?? id;
  const initials = p.user.nickname.replace(/[^\p{L}\p{N}]/gu, '').slice(0, 2).toUpperCase() || '?';
  const lines = [`[${p.avatar ? '▣' : initials}] ${p.user.nickname}${p.user.statusText ? ` — ${p.user.statusText}` : ''}${p.followedByMe ? ' · you follow them' : ''}`];
  if (p.bio) lines.push(...p.bio.split('\n').map((l) => `  ${l}`));
  if (p.followers) lines.push(`  followers: ${p.followers.length ? p.followers.map(nick).join(', ') : 'none'}`);
  if (p.following) lines.push(`  following: ${p.following.length ? p.following.map(nick).join(', ') : 'none'}`);
  lines.push(p.recentPosts.length ? '  recent posts:' : '  no posts you can see');
  return lines;
}
