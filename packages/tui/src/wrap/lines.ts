/** A styled run of text inside one screen row. */
export interface Segment {
  text: string;
  color?: string;
  /** Background colour (half-block image previews). */
  bg?: string;
  dim?: boolean;
  bold?: boolean;
  italic?: boolean;
  inverse?: boolean;
  /** A URL: the row draws this text as an OSC 8 hyperlink to it (clickable in most terminals). */
  link?: string;
}

/** One screen row of the message pane. `key` is stable so React can reuse rows while scrolling. */
export interface Line {
  key: string;
  segments: Segment[];
  /**
   * One of the rows a picture takes (kitty, sixel, iTerm2): which thumbnail, its size in cells, which of its
   * rows this is, and the column it starts at. The painter finds pictures on screen by this mark.
   */
  image?: ImageMark;
}

export interface ImageMark {
  fileId: string;
  cols: number;
  rows: number;
  /** Which of the picture's rows this line is (0: its top). */
  row: number;
  col: number;
}
