import { describe, expect, it } from 'vitest';
import { loadBacklog, parseSince } from '../src/run/since.js';
import { msg, T0 } from './fixtures.js';

describe('od tail --since', () => {
  it('reads durations back from now, and bare numbers as orders', () => {
    expect(parseSince('15m', 1_000_000)).toEqual({ kind: 'time', after: 1_000_000 - 900_000 });
    expect(parseSince('1h30m', 10_000_000)).toEqual({ kind: 'time', after: 10_000_000 - 5_400_000 });
    expect(parseSince('4711', 0)).toEqual({ kind: 'order', after: 4711 });
    expect(parseSince('yesterday', 0)).toBeNull();
    expect(parseSince('5x', 0)).toBeNull();
  });

  it('walks history pages back to the start of the backlog and returns it oldest first', async () => {
    const all = Array.from({ length: 10 }, (_, i) => msg(i + 1));
    const asked: Array<number | undefined> = [];
    const page = async (before: number | undefined) => {
      asked.push(before);
      const older = all.filter((m) => before === undefined || m.order < before);
      const messages = older.slice(-3);
      return { messages, end: messages[0]?.order === 1 };
    };
    expect((await loadBacklog({ kind: 'order', after: 4 }, page)).map((m) => m.order)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(asked).toEqual([undefined, 8, 5]);
    expect((await loadBacklog({ kind: 'time', after: T0 + 9_000 }, page)).map((m) => m.order)).toEqual([9, 10]);
  });
});
