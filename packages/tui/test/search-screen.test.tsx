import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { reducer } from '../src/state/reducer.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { BOB, boot, msg } from './fixtures.js';

afterEach(() => cleanup());

/* The /search overlay and a hit read in its room, as drawn. */
describe('search on screen', () => {
  const withHits = () => {
    let s = reducer(boot(), { type: 'search/started', params: { query: 'deploy' }, label: 'deploy from:@bob' });
    s = reducer(s, {
      type: 'search/loaded',
      hits: [
        { message: msg(12, { roomId: 'r-dev', authorId: BOB, text: 'the deploy failed' }), snippet: 'the deploy failed', ranges: [[4, 10]] },
        { message: msg(11, { text: 'deploy again' }), snippet: 'deploy again', ranges: [[0, 6]] },
      ],
      next: 11,
      more: false,
    });
    return s;
  };

  it('lists each hit with its room, author, time and snippet, or says nothing matched', () => {
    const frame = render(<ChatScreen state={withHits()} now={0} />).lastFrame()!;
    expect(frame).toContain('search › deploy from:@bob');
    expect(frame).toContain('#dev bob');
    expect(frame).toContain('#general alice');
    expect(frame).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(frame).toContain('the deploy failed');
    expect(frame).toContain('2+ hits');
    const empty = reducer(reducer(boot(), { type: 'search/started', params: { query: 'zzz' }, label: 'zzz' }), { type: 'search/loaded', hits: [], next: null, more: false });
    expect(render(<ChatScreen state={empty} now={0} />).lastFrame()).toContain('no messages match');
  });

  it('Enter on a hit shows it in its room under a marker, with the messages around it', () => {
    let s = reducer(withHits(), { type: 'search/jump' });
    s = reducer(s, {
      type: 'search/context',
      roomId: 'r-dev',
      anchorId: 'm12',
      messages: [msg(10, { roomId: 'r-dev', text: 'before it' }), msg(12, { roomId: 'r-dev', authorId: BOB, text: 'the deploy failed' }), msg(13, { roomId: 'r-dev', text: 'after it' })],
      olderEnd: true,
      newerEnd: false,
    });
    const frame = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(frame).not.toContain('search ›');
    expect(frame).toContain('search hit');
    const lines = frame.split('\n');
    const at = (t: string) => lines.findIndex((l) => l.includes(t));
    expect(at('before it')).toBeLessThan(at('search hit'));
    expect(at('search hit')).toBeLessThan(at('the deploy failed'));
    expect(at('the deploy failed')).toBeLessThan(at('after it'));
  });
});
