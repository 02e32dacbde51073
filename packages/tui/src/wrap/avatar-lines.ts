import type { Preview } from '@open-discord/protocol';
import { previewBitmap, previewOf, resize } from '../images/bitmap.js';
import { halfBlockRows } from './attachment-lines.js';
import type { Segment } from './lines.js';

/**
 * An avatar as half-block rows `cols` cells wide, the picture shrunk (box filter) or grown to that width with
 * its shape kept: a half block is one pixel wide and two tall and a cell about twice as tall as wide, so a
 * square picture is `cols` cells wide and `cols / 2` rows tall and looks square. No rows for bad pixels.
 */
export function avatarRows(p: Preview, cols: number): Segment[][] {
  const b = previewBitmap(p);
  if (!b || cols < 1) return [];
  const height = Math.max(2, Math.round((cols * b.height) / b.width));
  return halfBlockRows(previewOf(resize(b, cols, height)), cols);
}

/** Initials in a small box, where no picture can be drawn: the first two letters or digits of the name. */
export function initialsRows(nickname: string): string[] {
  const initials = [...nickname.replace(/[^\p{L}\p{N}]/gu, '')].slice(0, 2).join('').toUpperCase() || '?';
  return ['╭────╮', `│ ${initials.padEnd(2)} │`, '╰────╯'];
}
