import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { paneHint } from '../src/state/notices/hint.js';
import { reducer } from '../src/state/reducer.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { ME, boot, msg, run, snapshot, live } from './fixtures.js';

afterEach(() => cleanup());

describe('an empty first screen says what to do', () => {
  it('with no room at all: how to create one (or whom to ask)', () => {
    const owner = boot({ rooms: [], me: { ...snapshot().me, roles: ['role-owner'] } });
    expect(paneHint(owner)).toContain('/create general');
    const f = render(<ChatScreen state={owner} now={0} />).lastFrame()!;
    expect(f).toContain('No rooms yet. Create the first one: /create general');
    const member = boot({ rooms: [] });
    expect(paneHint(member)).toContain('ask the owner');
  });

  it('in a room nobody has written in: /help, Ctrl+K and how friends get in', () => {
    const s = reducer(boot(), { type: 'history/loaded', roomId: 'r-gen', messages: [], end: true });
    expect(paneHint(s)).toMatch(/\/help.*Ctrl\+K.*invite/);
    expect(render(<ChatScreen state={s} now={0} />).lastFrame()).toContain('Welcome! /help lists commands');
  });

  it('after signing up, until I have said something in the room', () => {
    let s = run([{ type: 'flash/greet' }, { type: 'snapshot', state: snapshot(), reason: 'initial' }, live]);
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(1)], end: true });
    expect(paneHint(s)).not.toBeNull();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(2, { authorId: ME })], end: true });
    expect(paneHint(s)).toBeNull();
    // Not for someone who logs in to a busy room.
    expect(paneHint(reducer(boot(), { type: 'history/loaded', roomId: 'r-gen', messages: [msg(1)], end: true }))).toBeNull();
  });
});
