import type { Message } from '@open-discord/protocol';

/** Where `od tail --since` starts: after a point in time, or after an event order (as printed by --json). */
export type Since = { kind: 'time'; after: number } | { kind: 'order'; after: number };

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since 90s|15m|2h|1d|1w` (back from now, units may be combined: 1h30m) or `--since 4711` (messages after
 * that order, to continue a log exactly where it stopped). Null when the text is neither.
 */
export function parseSince(text: string, now: number): Since | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { kind: 'order', after: Number(t) };
  if (!/^(\d+[smhdw])+$/.test(t)) return null;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+)([smhdw])/g)) ms += Number(n) * UNITS[unit!]!;
  return { kind: 'time', after: now - ms };
}

/** Is this message inside the backlog asked for? */
export function inBacklog(m: Message, since: Since): boolean {
  return since.kind === 'order' ? m.order > since.after : m.createdAt >= since.after;
}

/**
 * Read history pages backwards until the backlog's start (or the room's first message), and return the
 * backlog oldest first. `page` asks for one history page before an order (undefined: the newest page).
 */
export async function loadBacklog(
  since: Since,
  page: (before: number | undefined) => Promise<{ messages: Message[]; end: boolean }>,
): Promise<Message[]> {
  const out: Message[] = [];
  let before: number | undefined;
  for (;;) {
    const r = await page(before);
    const sorted = [...r.messages].sort((a, b) => a.order - b.order);
    const wanted = sorted.filter((m) => inBacklog(m, since));
    out.unshift(...wanted);
    // Orders and times only grow through a room, so a page that reaches before the start ends the walk.
    if (r.end || sorted.length === 0 || wanted.length < sorted.length) return out;
    before = sorted[0]!.order;
  }
}
