import type { Post, Preview, Profile } from '@open-discord/protocol';
import { avatarRows, initialsRows } from '../../wrap/avatar-lines.js';
import type { Segment } from '../../wrap/lines.js';
import type { AppState } from '../app-state.js';
import { authorOf } from '../roles/roles.js';
import { roomLabel } from '../rooms/selectors.js';
import { ago } from '../threads/summary.js';
import { PRESENCE_MARK, presenceOf } from '../members/presence.js';
import { wrapText } from '../../wrap/wrap-text.js';
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

/**
 * A profile card's text, `width` cells wide (drawn beside the avatar): name and status text, presence, how
 * the viewer stands to them (and the command that changes it), follows when shown, the bio word-wrapped,
 * and the heading of their recent posts (only from boards the viewer can see: the server picked them).
 */
export function profileLines(state: AppState, p: Profile, width: number): string[] {
  const world = state.world;
  const nick = (id: string) => world?.users[id]?.nickname ?? id;
  const me = world?.me.id === p.user.id;
  const known = world?.users[p.user.id];
  const status = known?.statusText ?? p.user.statusText;
  const lines = [`${p.user.nickname}${status ? ` — ${status}` : ''}`];
  const presence = presenceOf(known ?? p.user);
  lines.push(`${PRESENCE_MARK[presence]} ${presence}`);
  if (me) lines.push('this is you (/bio, /avatar, /showfollows change this card)');
  else lines.push(p.followedByMe ? `you follow them · /unfollow @${p.user.nickname}` : `you do not follow them · /follow @${p.user.nickname}`);
  if (p.followers && p.following) {
    const names = (ids: string[]) => (ids.length ? `: ${ids.map(nick).join(', ')}` : '');
    lines.push(`${p.followers.length} follower${p.followers.length === 1 ? '' : 's'}${names(p.followers)}`);
    lines.push(`follows ${p.following.length}${names(p.following)}`);
  } else {
    lines.push('follows: private');
  }
  lines.push('');
  if (p.bio) lines.push(...wrapText(p.bio, width));
  else lines.push(me ? 'no bio yet (/bio TEXT)' : 'no bio');
  return lines;
}

/** The heading of a profile's recent posts. */
export function recentPostsHeading(p: Profile): string {
  return p.recentPosts.length ? 'recent posts in boards you can see:' : 'no posts in boards you can see';
}

/** A profile card (`/whois`, or `p` on a selected message): the picture or initials beside its text. */
export interface CardView {
  /** The text beside the picture, each line at most `width - avatarWidth - 4` cells. */
  lines: string[];
  /** The avatar's half-block rows; none: `initials` are drawn instead. */
  avatar: Segment[][];
  initials: string[];
  /** Cells the picture column takes. */
  avatarWidth: number;
  /** The heading above the recent posts. */
  heading: string;
}

/**
 * The card for an overlay `width` × `height` cells: the avatar a third of the width (at most 24 cells, and
 * short enough to leave the recent posts room), from the fitted thumbnail when fetched, else the profile's
 * own preview; initials when there is no picture or pictures are off.
 */
export function profileCard(state: AppState, p: Profile, fitted: Preview | undefined, width: number, height: number): CardView {
  const inner = Math.max(1, width - 2);
  const picture = state.images.mode === 'off' ? undefined : (fitted ?? p.avatar?.preview);
  const cols = Math.max(6, Math.min(24, Math.floor(inner / 3), Math.floor(height / 2) * 2 - 4));
  const avatar = picture ? avatarRows(picture, cols) : [];
  const initials = avatar.length ? [] : initialsRows(p.user.nickname);
  const avatarWidth = avatar.length ? cols : 6;
  return { lines: profileLines(state, p, Math.max(1, inner - avatarWidth - 2)), avatar, initials, avatarWidth, heading: recentPostsHeading(p) };
}
