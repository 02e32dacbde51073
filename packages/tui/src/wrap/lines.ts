/** A styled run of text inside one screen row. */
export interface Segment {
  text: string;
  color?: string;
  dim?: boolean;
  bold?: boolean;
  italic?: boolean;
  inverse?: boolean;
}

/** One screen row of the message pane. `key` is stable so React can reuse rows while scrolling. */
export interface Line {
  key: string;
  segments: Segment[];
}
