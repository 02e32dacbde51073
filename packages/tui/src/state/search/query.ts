/*
 * `/search` as typed: words to find, and filters written as `in:#room`, `from:@nick`, `before:DATE`,
 * `after:DATE` anywhere among them (DATE is YYYY-MM-DD, a day in the local time zone). Pure: names are
 * resolved to ids by the caller, against the world.
 */

export interface SearchLine {
  /** The words to find, as typed (the server splits and quotes them). */
  text: string;
  room?: string;
  nick?: string;
  /** Epoch ms: messages before the start of that day. */
  before?: number;
  /** Epoch ms: messages from the day after (Slack's `after:`: strictly after that day). */
  after?: number;
}

export type ParsedSearch = { ok: true; search: SearchLine } | { ok: false; message: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The start of a local day, or null for a date that does not exist (2026-02-30). */
export function dayStart(text: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const at = new Date(y, mo, d);
  return at.getFullYear() === y && at.getMonth() === mo && at.getDate() === d ? at.getTime() : null;
}

function nextDayStart(text: string): number | null {
  const start = dayStart(text);
  if (start === null) return null;
  const d = new Date(start);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

export function parseSearchLine(line: string): ParsedSearch {
  const words: string[] = [];
  const search: Omit<SearchLine, 'text'> = {};
  for (const word of line.trim().split(/\s+/u).filter(Boolean)) {
    const f = /^(in|from|before|after):(.+)$/i.exec(word);
    if (!f) {
      words.push(word);
      continue;
    }
    const [, key, value] = [f[0], f[1]!.toLowerCase(), f[2]!];
    if (key === 'in') search.room = value.replace(/^#/, '');
    else if (key === 'from') search.nick = value.replace(/^@/, '');
    else {
      const at = key === 'before' ? dayStart(value) : nextDayStart(value);
      if (at === null) return { ok: false, message: `${key}: wants a date as YYYY-MM-DD, not "${value}"` };
      search[key as 'before' | 'after'] = at;
    }
  }
  if (words.length === 0) return { ok: false, message: 'usage: /search words [in:#room] [from:@nick] [before:YYYY-MM-DD] [after:YYYY-MM-DD]' };
  return { ok: true, search: { text: words.join(' '), ...search } };
}
