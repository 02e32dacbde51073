import type { ThreadSummary } from '@open-discord/protocol';

/** "5m ago": how long ago, coarsely, as chat clients say it. */
export function ago(at: number, now: number): string {
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** The line under a thread's root: `↳ 3 replies · last 5m ago · alice, bob`. */
export function threadSummaryText(t: ThreadSummary, names: readonly string[], now: number): string {
  const replies = `${t.count} ${t.count === 1 ? 'reply' : 'replies'}`;
  return `↳ ${replies} · last ${ago(t.lastAt, now)}${names.length ? ` · ${names.join(', ')}` : ''}`;
}
