/*
 * Parsing a large server frame (a replay page: up to 1000 events, ~400 KB) without ever making one string
 * of its whole length.
 *
 * Why: V8 keeps strings over 128 KB in its large-object space, and making one is far slower per byte than
 * making a smaller one (decoding UTF-8 measured ~8 GB/s up to 128 KB, ~0.2 GB/s from 200 KB on the bench
 * machine). Decoding and parsing a 400 KB page as one string cost ~3 µs per event, about half of all the
 * typed client did with an event; in runs of 32 KB it costs ~1.5 µs (scripts/bench/client-catchup.mjs
 * measures the whole catch-up). So the page's `events` array is cut, at the commas between its elements,
 * into runs that are decoded and parsed one by one; the rest of the frame is parsed with an empty array in
 * its place, and the elements put back. Other large frames (a `state` reply for a big community) cost one
 * extra scan before they take the ordinary path.
 *
 * The value is exactly what JSON.parse of the whole text gives, or the caller is told to parse the whole
 * text itself (`undefined`): the cut points come from one scan of the bytes that follows strings and
 * nesting, each run must parse as a list of values, and the rest must parse as an object whose only
 * `events` key holds the emptied array. Anything unexpected (an escaped or repeated top-level key, a run
 * that does not parse) hands the frame back to the ordinary path, which decides as it always has.
 */

/** Frames smaller than this are decoded whole (their text stays a regular string). */
export const LARGE_FRAME_BYTES = 64 * 1024;
/** Bytes of events decoded and parsed at a time (at most 64 KB of text even if every character needs two bytes). */
const RUN_BYTES = 32 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const EVENTS = [0x65, 0x76, 0x65, 0x6e, 0x74, 0x73]; // "events"

export type LargeFrame = { value: unknown } | 'too deep' | undefined;

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Index of the quote that closes the string opened at `open`, or -1. */
function stringEnd(bytes: Uint8Array, open: number): number {
  let j = open;
  for (;;) {
    // indexOf runs natively: most of a frame's bytes are inside strings and are skipped here, not looped over.
    j = bytes.indexOf(QUOTE, j + 1);
    if (j < 0) return -1;
    let backslashes = 0;
    while (bytes[j - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
}

const isEventsKey = (bytes: Uint8Array, open: number, close: number) =>
  close - open - 1 === EVENTS.length && EVENTS.every((b, k) => bytes[open + 1 + k] === b);

/**
 * Parse `bytes` (UTF-8 JSON of a server frame) with its top-level `events` array taken in runs. `decode`
 * turns bytes into text; `parse` is the decoder's JSON.parse (string repair included), undefined on bad JSON.
 * 'too deep': nested deeper than `maxDepth`, refused as the whole-text scan would refuse it.
 */
export function parseLargeFrame(
  bytes: Uint8Array,
  decode: (bytes: Uint8Array) => string,
  parse: (text: string) => unknown,
  maxDepth: number,
): LargeFrame {
  const n = bytes.length;
  let depth = 0;
  let eventsKeys = 0;
  let arrayAt = -1; // the `[` that opens the top-level events array
  let open = -1;
  let close = -1;
  const commas: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      const end = stringEnd(bytes, i);
      if (end < 0) return undefined;
      if (depth === 1) {
        let k = end + 1;
        while (isSpace(bytes[k])) k++;
        if (bytes[k] === COLON) {
          // A top-level key. An escaped one might spell `events` another way: leave such frames to JSON.parse.
          if (bytes.subarray(i + 1, end).includes(BACKSLASH)) return undefined;
          if (isEventsKey(bytes, i, end)) {
            eventsKeys++;
            k++;
            while (isSpace(bytes[k])) k++;
            if (bytes[k] === OPEN_BRACKET) arrayAt = k;
          }
        }
      }
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return 'too deep';
      if (i === arrayAt) open = i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 2 && open >= 0 && close < 0) close = i;
      depth--;
    } else if (c === COMMA && depth === 2 && open >= 0 && close < 0) {
      commas.push(i);
    }
  }
  // Only one `events` key: with two, JSON.parse keeps the last one, which may not be the one taken apart.
  if (eventsKeys !== 1 || open < 0 || close < 0) return undefined;

  const events: unknown[] = [];
  let from = open + 1;
  for (let k = 0; k <= commas.length; k++) {
    const to = k < commas.length ? commas[k]! : close;
    if (to !== close && to - from < RUN_BYTES) continue;
    const run = parse(`[${decode(bytes.subarray(from, to))}]`);
    // A run of nothing but spaces parses as `[]`: fine for an empty array, a missing element (`[1, ,2]`,
    // `[1,]`) otherwise.
    if (!Array.isArray(run) || (run.length === 0 && commas.length > 0)) return undefined;
    for (const e of run) events.push(e);
    from = to + 1;
  }
  const rest = parse(decode(bytes.subarray(0, open + 1)) + decode(bytes.subarray(close)));
  if (typeof rest !== 'object' || rest === null || Array.isArray(rest)) return undefined;
  const emptied = (rest as { events?: unknown }).events;
  if (!Array.isArray(emptied) || emptied.length !== 0) return undefined;
  (rest as { events: unknown[] }).events = events;
  return { value: rest };
}
