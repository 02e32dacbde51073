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
}
