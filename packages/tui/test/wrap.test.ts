import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nickColor, NICK_PALETTE } from '../src/state/roles/nick-color.js';
import { reducer } from '../src/state/reducer.js';
import { roomView, visiblePane } from '../src/state/messages/selectors.js';
import type { ChatMessage } from '../src/state/messages/view.js';
import { messageLines } from '../src/wrap/message-lines.js';
import { textWidth } from '../src/wrap/width.js';
import { wrapText } from '../src/wrap/wrap-text.js';
import { boot, msg } from './fixtures.js';

const text = (l: { segments: { text: string }[] }) => l.segments.map((s) => s.text).join('');

describe('wrapping', () => {
  it('breaks at spaces, keeps newlines and hard-cuts long words', () => {
    expect(wrapText('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrapText('a\nb', 10)).toEqual(['a', 'b']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  test.prop([fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 80 })])('no row is wider than the width', (s, w) => {
    for (const row of wrapText(s, w)) expect(textWidth(row)).toBeLessThanOrEqual(w);
  });

  test.prop([fc.stringMatching(/^(?:[a-z]{1,5} {1,3}){0,40}$/), fc.integer({ min: 5, max: 60 })])('wrapping loses no words', (s, w) => {
    expect(wrapText(s, w).join(' ').split(/ +/).filter(Boolean)).toEqual(s.split(/ +/).filter(Boolean));
  });

  it('caches lines per message and width', () => {
    const m: ChatMessage = { id: 'x', roomId: 'r', authorId: 'u', text: 'hello there', createdAt: 0, order: 1, status: 'confirmed' };
    const a = messageLines(m, 40, { nick: 'al', color: '#fff' }, false);
    expect(messageLines(m, 40, { nick: 'al', color: '#fff' }, false)).toBe(a);
    expect(messageLines(m, 41, { nick: 'al', color: '#fff' }, false)).not.toBe(a);
  });
});

describe('nick colours', () => {
  it('are stable per id, from a palette without greys, unless chosen', () => {
    expect(nickColor('u1', null)).toBe(nickColor('u1', null));
    expect(NICK_PALETTE).toContain(nickColor('u1', null));
    expect(nickColor('u1', '#123456')).toBe('#123456');
    for (const c of NICK_PALETTE) {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
      expect(Math.max(r!, g!, b!) - Math.min(r!, g!, b!)).toBeGreaterThan(40);
    }
  });
});

describe('virtual scrolling', () => {
  const big = () => {
    let s = boot();
    const messages = Array.from({ length: 100_000 }, (_, i) => msg(i + 1));
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages, end: true });
    return s;
  };

  it('renders only the rows that fit and scrolls by pages to the start of a 100 000-message room', () => {
    let s = big();
    const pane = visiblePane(s);
    expect(pane.lines).toHaveLength(pane.height);
    expect(text(pane.lines.at(-1)!)).toContain('message 100000');
    s = reducer(s, { type: 'scroll', lines: pane.height });
    expect(text(visiblePane(s).lines.at(-1)!)).toContain(`message ${100_000 - pane.height}`);
    // Past the top it clamps to the first row.
    s = reducer(s, { type: 'scroll', lines: 10_000_000 });
    expect(text(visiblePane(s).lines[0]!)).toContain('This is the start of #general');
    s = reducer(s, { type: 'scroll/bottom' });
    expect(roomView(s, 'r-gen')!.scroll).toBe(0);
  });

  it('keeps the view still and counts "N new" while scrolled up', () => {
    let s = boot();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: Array.from({ length: 200 }, (_, i) => msg(i + 1)), end: true });
    s = reducer(s, { type: 'scroll', lines: 50 });
    const before = visiblePane(s).lines.map(text);
    s = reducer(s, { type: 'event', event: { type: 'message.created', order: 201, id: 'e', roomId: 'r-gen', actorId: 'x', createdAt: 0, data: { message: msg(201) } } });
    expect(visiblePane(s).lines.map(text)).toEqual(before);
    expect(visiblePane(s).newBelow).toBe(1);
    expect(roomView(s, 'r-gen')!.unread).toBe(1);
  });

  it('shows the read ruler and day separators', () => {
    let s = boot({ readMarkers: { 'r-dev': 2 }, unread: { 'r-dev': { count: 1, mentions: 0 } } });
    const day = 86_400_000;
    s = reducer(s, { type: 'history/loaded', roomId: 'r-dev', messages: [msg(1, { roomId: 'r-dev' }), msg(2, { roomId: 'r-dev' }), msg(3, { roomId: 'r-dev', createdAt: msg(3).createdAt + day })], end: true });
    s = reducer(s, { type: 'room/select', roomId: 'r-dev' });
    const rows = visiblePane(s).lines.map(text).filter((r) => r.trim());
    const ruler = rows.findIndex((r) => r.includes('new since you last read'));
    // Day separator, then the ruler, then the first unread message.
    expect(rows[ruler - 1]).toMatch(/^── Tue, 4 Mar 2025/);
    expect(rows[ruler + 1]).toContain('message 3');
    expect(rows.findIndex((r) => r.includes('message 2'))).toBeLessThan(ruler);
    expect(rows.filter((r) => /^── (Mon, 3|Tue, 4) Mar 2025/.test(r))).toHaveLength(2);
  });
});

describe('emoji width', () => {
  it('counts emoji-presentation characters as two cells', () => {
    for (const e of ['🚀', '✅', '⭐', '⭕', '🫠', '⌛', '☕', '❌', '🙂', '🤖']) expect(textWidth(e)).toBe(2);
    expect(textWidth('go 🚀 ✅')).toBe(8);
    // Text-presentation symbols stay one cell.
    expect(textWidth('☺✓→')).toBe(3);
  });

  it('keeps wrapped rows with emoji inside the width', () => {
    const s = '🚀✅'.repeat(20);
    for (const row of wrapText(s, 9)) expect(textWidth(row)).toBeLessThanOrEqual(9);
  });
});
