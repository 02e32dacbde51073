import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { attachClient, isMessageDraft } from '../src/controllers/index.js';
import { TypingThrottle } from '../src/controllers/typing-throttle.js';
import { reducer } from '../src/state/reducer.js';
import { createStore } from '../src/state/store.js';
import { TYPING_TTL_MS, nextTypingExpiry, typingNames, typingText } from '../src/state/typing/typing.js';
import { StatusLine } from '../src/ui/StatusLine.js';
import { ALICE, BOB, ME, boot, created, live, msg, snapshot } from './fixtures.js';
import { FakeClient } from './fake-client.js';

afterEach(() => cleanup());

const typingAt = (userId: string, at: number, roomId = 'r-gen') => ({ type: 'typing', roomId, userId, at }) as const;

describe('typing state', () => {
  it('shows who types in the current room, and forgets them after the TTL by the injected clock', () => {
    let s = boot();
    s = reducer(s, typingAt(ALICE, 1000));
    s = reducer(s, typingAt(BOB, 2000));
    expect(typingNames(s, 2000)).toEqual(['alice', 'bob']);
    expect(nextTypingExpiry(s, 2000)).toBe(1000 + TYPING_TTL_MS);
    expect(typingNames(s, 1000 + TYPING_TTL_MS)).toEqual(['bob']);
    expect(typingNames(s, 2000 + TYPING_TTL_MS)).toEqual([]);
    expect(nextTypingExpiry(s, 2000 + TYPING_TTL_MS)).toBeNull();
  });

  it('a repeat notice extends the indicator', () => {
    let s = reducer(boot(), typingAt(ALICE, 1000));
    s = reducer(s, typingAt(ALICE, 4000));
    expect(typingNames(s, 1000 + TYPING_TTL_MS + 1)).toEqual(['alice']);
  });

  it('only counts the current room; ignores me and rooms it does not know', () => {
    let s = boot();
    s = reducer(s, typingAt(ALICE, 1000, 'r-dev'));
    s = reducer(s, typingAt(ME, 1000));
    s = reducer(s, typingAt(BOB, 1000, 'r-hidden'));
    expect(typingNames(s, 1000)).toEqual([]);
    expect(s.typing['r-hidden']).toBeUndefined();
    s = reducer(s, { type: 'room/select', roomId: 'r-dev' });
    expect(typingNames(s, 1000)).toEqual(['alice']);
  });

  it('their message ends their indicator', () => {
    let s = reducer(reducer(boot(), typingAt(ALICE, 1000)), typingAt(BOB, 1000));
    s = reducer(s, { type: 'event', event: created(msg(11, { authorId: ALICE })) });
    expect(typingNames(s, 1001)).toEqual(['bob']);
  });

  it('a snapshot drops rooms that are gone', () => {
    let s = reducer(boot(), typingAt(ALICE, 1000, 'r-ops'));
    s = reducer(s, { type: 'snapshot', state: snapshot({ rooms: snapshot().rooms.filter((r) => r.id !== 'r-ops') }), reason: 'access-changed' });
    expect(s.typing['r-ops']).toBeUndefined();
  });

  it('reads naturally for any number of people', () => {
    expect(typingText([])).toBeNull();
    expect(typingText(['alice'])).toBe('alice is typing…');
    expect(typingText(['alice', 'bob'])).toBe('alice and bob are typing…');
    expect(typingText(['alice', 'bob', 'carol'])).toBe('alice, bob and carol are typing…');
    expect(typingText(['a', 'b', 'c', 'd'])).toBe('4 people are typing…');
  });

  it('is shown on the status line, before the topic when space is short', () => {
    const f = render(
      <StatusLine status={{ state: 'live' }} now={0} room="general" topic="a long topic about many things" nick="me" width={60} typing="alice is typing…" />,
    ).lastFrame()!;
    expect(f).toContain('alice is typing…');
    expect(f).toContain('#general');
    expect(f).toMatch(/#general — a long .*… alice is typing… me$/);
  });
});

describe('sending typing signals', () => {
  it('throttles per room, and lets the next message announce itself at once', () => {
    let t = 0;
    const th = new TypingThrottle(() => t, 3000);
    expect(th.typed('a')).toBe(true);
    t = 1000;
    expect(th.typed('a')).toBe(false);
    expect(th.typed('b')).toBe(true);
    t = 3000;
    expect(th.typed('a')).toBe(true);
    th.sent('a');
    t = 3001;
    expect(th.typed('a')).toBe(true);
  });

  it('commands and blank lines are not typing', () => {
    expect(isMessageDraft('hello')).toBe(true);
    expect(isMessageDraft('//not a command')).toBe(true);
    expect(isMessageDraft('/nick bob')).toBe(false);
    expect(isMessageDraft('   ')).toBe(false);
  });

  it('the glue sends typing while the user edits a message, at most every 3 s by the injected clock', () => {
    let t = 10_000;
    const client = new FakeClient();
    const store = createStore(boot());
    attachClient(client, store, { onQuit: () => {}, now: () => t, nonce: () => 'n' });
    const type = (text: string) => store.dispatch({ type: 'input/insert', text });
    type('h');
    type('e');
    t += 2999;
    type('y');
    expect(client.typing).toEqual(['r-gen']);
    t += 1;
    type('!');
    expect(client.typing).toEqual(['r-gen', 'r-gen']);
    // A command is not announced.
    store.dispatch({ type: 'input/set', text: '' });
    t += 10_000;
    type('/');
    type('n');
    expect(client.typing).toHaveLength(2);
    // Not while offline (it would be stale by the time we are back).
    store.dispatch({ type: 'input/set', text: '' });
    store.dispatch({ type: 'status', status: { state: 'offline', retryAt: 0, reason: 'x' } });
    type('x');
    expect(client.typing).toHaveLength(2);
    store.dispatch(live);
    type('y');
    expect(client.typing).toHaveLength(3);
  });

  it('incoming typing notices are stamped with the injected clock', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    attachClient(client, store, { onQuit: () => {}, now: () => 42_000 });
    client.emit('typing', { type: 'typing', roomId: 'r-gen', userId: ALICE });
    expect(store.getState().typing['r-gen']).toEqual({ [ALICE]: 42_000 + TYPING_TTL_MS });
  });
});
