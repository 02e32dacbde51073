import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addHistory, applyEvent, applyEvents, worldFromState, type ClientEvent, type World } from '@open-discord/protocol';
import { event, message, msgEvent, state } from './helpers/fixtures.js';

/*
 * applyEvents folds a run of events with one working copy per room; it must end in the world that
 * applyEvent gives one event after the other, whatever the run holds: messages out of order, repeated,
 * in rooms not visible, mine, mentioning me, past the bound, with other events in between.
 */

const MAX = 5;

/** A small world with a few messages loaded in r1 and r2; me is u1 with a highlight word. */
function start(): World {
  const s = state({ head: 10, readMarkers: { r1: 3 }, unread: { r1: { count: 2, mentions: 0 } } });
  const w = worldFromState({ ...s, me: { ...s.me, highlights: ['deploy'] } }, undefined, MAX);
  return addHistory(addHistory(w, 'r1', [message('h1', 'r1', 2), message('h2', 'r1', 4)], true), 'r2', [message('h3', 'r2', 5)]);
}

const anEvent: fc.Arbitrary<ClientEvent> = fc.oneof(
  { weight: 8, arbitrary: fc.record({
    order: fc.integer({ min: 1, max: 40 }),
    room: fc.constantFrom('r1', 'r2', 'r9'),
    id: fc.integer({ min: 1, max: 30 }),
    author: fc.constantFrom('u1', 'u2', 'u3'),
    text: fc.constantFrom('hi', 'deploy now', 'hey nick-u1'),
    mention: fc.boolean(),
    // Some are thread replies (to h1, loaded in r1, or to m1), some of them also shown in the room.
    thread: fc.constantFrom(undefined, undefined, 'h1', 'm1'),
    also: fc.boolean(),
  }).map(({ order, room, id, author, text, mention, thread, also }) =>
    msgEvent(order, room, { id: `m${id}`, authorId: author, text, ...(mention && { mentions: ['u1'] }), ...(thread && { threadId: thread, ...(also && { alsoInRoom: true }) }) }),
  ) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom('h1', 'm1')).map(([order, threadId]) => event('thread.followed', order, { roomId: 'r1', threadId, level: 'all', muted: false, readOrder: order }, 'r1')) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 })).map(([order, upTo]) => event('thread.read', order, { roomId: 'r1', threadId: 'h1', order: upTo }, 'r1')) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 })).map(([order, upTo]) => event('read.marked', order, { roomId: 'r1', order: upTo }, 'r1')) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 })).map(([order, id]) => event('message.deleted', order, { messageId: `m${id}`, roomId: 'r1' }, 'r1')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((order) => event('message.edited', order, { message: message(`m${order % 7}`, 'r1', order % 7) }, 'r1')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((order) => event('room.deleted', order, { roomId: 'r2' })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((order): ClientEvent => ({ type: 'unknown', originalType: 'poll.created', order, id: `e${order}`, roomId: null, actorId: null, createdAt: 1, data: {} })) },
);

/** Mostly ascending orders, as a page brings them, with some going back. */
const aRun = fc.array(anEvent, { maxLength: 40 }).map((events) => events.map((e, i) => (i % 4 === 3 ? e : { ...e, order: 10 + i * 2 + (e.order % 2) })));

describe('applyEvents', () => {
  it('ends in the world applyEvent gives one event after the other', () => {
    fc.assert(
      fc.property(aRun, (events) => {
        const w = start();
        const one = events.reduce(applyEvent, w);
        const batch = applyEvents(w, events);
        expect(batch).toStrictEqual(one);
        expect(JSON.stringify(batch)).toBe(JSON.stringify(one));
        // Nothing changed: the same object, as applyEvent would return it.
        expect(batch === w).toBe(one === w);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the newest messages of a long run within the bound', () => {
    const events = Array.from({ length: 50 }, (_, i) => msgEvent(11 + i, 'r1'));
    const w = applyEvents(start(), events);
    expect(w.messages.r1?.map((m) => m.order)).toEqual([56, 57, 58, 59, 60]);
    expect(w.head).toBe(60);
    expect(w.unread.r1).toEqual({ count: 52, mentions: 0 });
  });

  it('looks past the newest message only in a window already bounded, as one event at a time would', () => {
    // m12 has left the window of 5 when it comes again: one at a time, it is placed and trimmed away again.
    const events = [...Array.from({ length: 8 }, (_, i) => msgEvent(11 + i, 'r1')), msgEvent(12, 'r1')];
    expect(applyEvents(start(), events)).toStrictEqual(events.reduce(applyEvent, start()));
  });

  it('never mutates its input', () => {
    const w = start();
    const before = JSON.stringify(w);
    applyEvents(w, [msgEvent(11, 'r1'), msgEvent(12, 'r1'), msgEvent(3, 'r1', { id: 'm3' })]);
    expect(JSON.stringify(w)).toBe(before);
  });
});
