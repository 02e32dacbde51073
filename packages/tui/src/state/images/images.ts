import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { type CellPx, DEFAULT_CELL } from '../../images/bitmap.js';
import { type ImageMode, isPixelMode } from '../../images/mode.js';

/** A thumbnail's state on this screen: its pixels are kept by the images controller, only its size here. */
export type ThumbState = { width: number; height: number } | 'failed';

/**
 * How pictures are drawn (chosen once at start, see images/mode.ts) and which thumbnails have arrived. The
 * pixels themselves stay out of the state (they are only drawn, never reduced); a thumbnail's size is enough
 * to lay out the rows it takes.
 */
export interface ImagesState {
  mode: ImageMode;
  /** The cell size sixel pictures are drawn for. */
  cell: CellPx;
  thumbs: Readonly<Record<string, ThumbState>>;
}

/** Until od says otherwise (tests, `od` before the terminal is known): the label alone. */
export const NO_IMAGES: ImagesState = { mode: 'off', cell: DEFAULT_CELL, thumbs: {} };

/** Actions of the images slice (prefix `images/`). */
export type ImagesAction =
  | { type: 'images/mode'; mode: ImageMode; cell?: CellPx }
  | { type: 'images/ready'; fileId: string; width: number; height: number }
  | { type: 'images/failed'; fileId: string }
  /** The thumbnail's pixels were let go (see ThumbCache): it is drawn as before it arrived until fetched again. */
  | { type: 'images/forget'; fileId: string };

export function imagesReducer(state: AppState, action: Action): AppState {
  const images = state.images;
  switch (action.type) {
    case 'images/mode':
      return { ...state, images: { ...images, mode: action.mode, cell: action.cell ?? images.cell } };
    case 'images/ready':
      return { ...state, images: { ...images, thumbs: { ...images.thumbs, [action.fileId]: { width: action.width, height: action.height } } } };
    case 'images/failed':
      return images.thumbs[action.fileId] === 'failed' ? state : { ...state, images: { ...images, thumbs: { ...images.thumbs, [action.fileId]: 'failed' } } };
    case 'images/forget': {
      if (!(action.fileId in images.thumbs)) return state;
      const { [action.fileId]: _gone, ...thumbs } = images.thumbs;
      return { ...state, images: { ...images, thumbs } };
    }
    default:
      return state;
  }
}

/**
 * The images state for a pane the painter does not draw in (the thread pane): pictures there are half blocks,
 * as in any truecolor terminal (every terminal with a pixel mode has truecolor).
 */
export function textImages(images: ImagesState): ImagesState {
  return isPixelMode(images.mode) ? { ...images, mode: 'blocks' } : images;
}
