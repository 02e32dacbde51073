import { describe, expect, it } from 'vitest';
import { visiblePane } from '../src/state/messages/selectors.js';
import { reducer } from '../src/state/reducer.js';
import type { AppState } from '../src/state/app-state.js';
import { live, msg, run, snapshot } from './fixtures.js';

const rows = (s: AppState) => visiblePane(s).lines.map((l) => l.segments.map((x) => x.text).join(''));
const page = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

/** 300 messages in #general, read up to 100; the room opens with its history still to load. */
const arrive = () =>
  run([
    { type: 'snapshot', state: snapshot({ readMarkers: { 'r-gen': 100, 'r-dev': 0, 'r-ops': 0 }, unread: { 'r-gen': { count: 200, mentions: 0 } } }), reason: 'initial' },
    live,
  ]);

describe('entering a room with many unread (issue 8, item 15)', () => {
  it('opens at the read ruler, with the first unread message at the top', () => {
    let s = arrive();
    expect(s.currentRoomId).toBe('r-gen');
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: page(1, 300), end: true });
    const top = rows(s);
    expect(top[0]).toContain('new since you last read');
    expect(top[1]).toContain('message 101');
    expect(top.join('\n')).not.toContain('message 300');
    // Not at the bottom: the room is not marked read until the reader gets there.
    expect(s.views['r-gen']!.scroll).toBeGreaterThan(0);
  });

  it('waits for the page holding the first unread message, asking for older history meanwhile', () => {
    let s = arrive();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: page(201, 300), end: false });
    // The oldest loaded row is in view, so the history controller asks for the page before it.
    expect(visiblePane(s).atTop).toBe(true);
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: page(101, 200), end: false });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: page(1, 100), end: true });
    expect(rows(s)[1]).toContain('message 101');
  });

  it('Alt+U goes back to the newest message and to the ruler again', () => {
    let s = arrive();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: page(1, 300), end: true });
    s = reducer(s, { type: 'scroll/ruler' });
    expect(s.views['r-gen']!.scroll).toBe(0);
    expect(rows(s).at(-1)).toContain('message 300');
    s = reducer(s, { type: 'scroll/ruler' });
    expect(rows(s)[1]).toContain('message 101');
  });

  it('a few unread that fit on the screen still open at the newest message', () => {
    let s = run([
      { type: 'snapshot', state: snapshot({ readMarkers: { 'r-gen': 8, 'r-dev': 0, 'r-ops': 0 }, unread: { 'r-gen': { count: 2, mentions: 0 } } }), reason: 'initial' },
      live,
    ]);
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: page(1, 10), end: true });
    expect(s.views['r-gen']!.scroll).toBe(0);
  });
});
