import { CloseCode, type ClientEvent } from '@open-discord/protocol';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { loginAdvice, needsLogin } from '../src/run/closed.js';
import { describeEvent } from '../src/state/activity/describe.js';
import { visiblePane } from '../src/state/messages/selectors.js';
import { reducer } from '../src/state/reducer.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { ALICE, BOB, ME, T0, boot, created, msg, snapshot } from './fixtures.js';

afterEach(() => cleanup());

const ev = (order: number, type: ClientEvent['type'], data: unknown, actorId: string | null = ME, roomId: string | null = null): ClientEvent =>
  ({ type, order, id: `e${order}`, roomId, actorId, createdAt: T0 + order * 1000, data }) as ClientEvent;
const bob = { id: BOB, nickname: 'bob', color: '#61afef', roles: [] as string[] };
const staff = { id: 'r-staff', name: 'staff', topic: '', kind: 'text' as const, categoryId: null, position: 5, restrictedTo: ['role-mod'] };

/** The pane's rows as text, top to bottom. */
const rows = (s: ReturnType<typeof boot>) => visiblePane(s).lines.map((l) => l.segments.map((x) => x.text).join(''));

describe('what happened, as lines in the room', () => {
  it('a nick change is told in every room we share with them, among the messages by order', () => {
    let s = boot({ rooms: [...snapshot().rooms, staff] });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(5, { authorId: BOB, text: 'before' })], end: true });
    s = reducer(s, { type: 'event', event: ev(11, 'user.updated', { user: { ...bob, nickname: 'bobby' } }, BOB) });
    s = reducer(s, { type: 'event', event: created(msg(12, { authorId: BOB, text: 'after' })) });
    const text = rows(s).join('\n');
    expect(text).toMatch(/before[\s\S]*-!- bob is now known as bobby[\s\S]*bobby after/);
    // In #dev as well, but not in #staff, which bob (no mods role) cannot see.
    expect(s.activity['r-dev']!.map((l) => l.text)).toEqual(['bob is now known as bobby']);
    expect(s.activity['r-staff']).toBeUndefined();
    // Drawn dimmed.
    const line = visiblePane(s).lines.find((l) => l.segments.some((x) => x.text.includes('-!-')))!;
    expect(line.segments.every((x) => x.dim || !x.text.trim())).toBe(true);
  });

  it('topic changes and renames are told in their room only, with who did it', () => {
    let s = boot();
    const gen = snapshot().rooms[0]!;
    s = reducer(s, { type: 'event', event: ev(11, 'room.updated', { room: { ...gen, topic: 'coffee only' } }, ALICE, 'r-gen') });
    expect(s.activity['r-gen']!.map((l) => l.text)).toEqual(['alice changed the topic to: coffee only']);
    expect(s.activity['r-dev']).toBeUndefined();
    s = reducer(s, { type: 'event', event: ev(12, 'room.updated', { room: { ...gen, name: 'lobby', topic: 'coffee only' } }, ALICE, 'r-gen') });
    expect(s.activity['r-gen']!.at(-1)!.text).toBe('alice renamed #general to #lobby');
  });

  it('joins, kicks and bans: in every room shared with that member', () => {
    let s = boot();
    const dave = { id: 'u-dave', nickname: 'dave', color: null, roles: [] };
    s = reducer(s, { type: 'event', event: ev(11, 'user.joined', { user: dave }, 'u-dave') });
    s = reducer(s, { type: 'event', event: ev(12, 'user.removed', { userId: BOB, reason: 'kicked' }, ALICE) });
    s = reducer(s, { type: 'event', event: ev(13, 'user.removed', { userId: 'u-dave', reason: 'banned' }, ALICE) });
    for (const room of ['r-gen', 'r-dev', 'r-ops']) {
      expect(s.activity[room]!.map((l) => l.text)).toEqual(['dave joined the server', 'bob was removed from the server by alice', 'dave was banned by alice']);
    }
    const f = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(f).toMatch(/\d\d:\d\d -!- dave was banned by alice/);
  });

  it('a replayed event is not told twice; text from others cannot reach the terminal raw', () => {
    let s = boot();
    const e = ev(11, 'user.updated', { user: { ...bob, nickname: 'b\x1b]52;c;x\x07\nby' } }, BOB);
    s = reducer(s, { type: 'event', event: e });
    s = reducer(s, { type: 'event', event: e });
    expect(s.activity['r-gen']).toHaveLength(1);
    expect(s.activity['r-gen']![0]!.text).not.toMatch(/[\x00-\x1f]/);
  });

  it('pure: nothing for events that change nothing visible', () => {
    const w = boot().world!;
    expect(describeEvent(w, w, ev(11, 'user.updated', { user: { ...bob, color: '#ffffff' } }, BOB))).toBeNull();
  });
});

describe('a kicked member is told so, not "session expired"', () => {
  it('close code 4410 REMOVED ends the session with its own advice', () => {
    const closed = { state: 'closed' as const, reason: 'removed', code: CloseCode.REMOVED };
    expect(needsLogin(closed)).toBe(true);
    expect(loginAdvice(closed, 'http://127.0.0.1:7331')).toBe('removed from the server: to rejoin, get a new invite and run od login http://127.0.0.1:7331');
  });
});
