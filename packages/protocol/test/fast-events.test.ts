import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeEvent, decodeSyncResult, Id, KnownEvent, Message, Order, SyncResult, Timestamp } from '@open-discord/protocol';
import { fastKnownEvent } from '../src/fast-events.js';
import { event, message, msgEvent, user } from './helpers/fixtures.js';

/*
 * The decoder checks the hot event types by hand before it asks zod (fast-events.ts). These tests hold the
 * two to the same answers: every event the hand-written checks accept is exactly what zod returns, and
 * decodeEvent gives the same result as the schemas alone for well-formed and malformed events alike.
 */

/** decodeEvent as it was before the hand-written checks: the schemas only. */
const Envelope = z.object({ order: Order, id: Id, type: z.string(), roomId: Id.nullable(), actorId: Id.nullable(), createdAt: Timestamp, data: z.unknown() });
function strictDecode(value: unknown) {
  const known = KnownEvent.safeParse(value);
  if (known.success) return known.data;
  const env = Envelope.safeParse(value);
  return env.success ? { ...env.data, type: 'unknown' as const, originalType: env.data.type } : null;
}

/** Same value, same keys in the same order (JSON.stringify follows insertion order). */
function expectSame(actual: unknown, expected: unknown) {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

const full = message('m1', 'r1', 7, { nonce: 'n-1', editedAt: 99, action: true, mentions: ['u1', 'u3'] });
const hot = [
  msgEvent(3),
  event('message.created', 4, { message: full }, 'r1'),
  event('message.edited', 5, { message: full }, 'r1'),
  event('message.deleted', 6, { messageId: 'm1', roomId: 'r1' }, 'r1'),
  event('read.marked', 7, { roomId: 'r1', order: 6 }, 'r1'),
  { ...msgEvent(8), roomId: null, actorId: null },
  event('message.created', 9, { message: message('m2', 'r1', 9, { threadId: 'm1', alsoInRoom: true }) }, 'r1'),
];

describe('hand-written event checks', () => {
  it('know every field of the schemas they stand in for (a new field must be added to fast-events.ts too)', () => {
    expect(Object.keys(Message.shape)).toEqual(['id', 'roomId', 'authorId', 'text', 'createdAt', 'order', 'nonce', 'editedAt', 'action', 'mentions', 'reactions', 'attachments', 'threadId', 'alsoInRoom', 'thread']);
    const data: Record<string, string[]> = {
      'message.created': ['message'],
      'message.edited': ['message'],
      'message.deleted': ['messageId', 'roomId'],
      'read.marked': ['roomId', 'order'],
    };
    for (const [type, keys] of Object.entries(data)) {
      const option = KnownEvent.options.find((o) => o.shape.type.value === type)!;
      expect(Object.keys(option.shape)).toEqual(['order', 'id', 'roomId', 'actorId', 'createdAt', 'type', 'data']);
      expect(Object.keys((option.shape.data as z.ZodObject).shape)).toEqual(keys);
    }
  });

  it('leave messages with attachments to zod, which keeps them', () => {
    const att = { id: 'f1', name: 'cat.png', size: 3, mime: 'image/png', width: 1, height: 1, preview: { width: 1, height: 1, rgb: 'AAAA' } };
    const e = msgEvent(3, 'r1', { attachments: [att] });
    expect(fastKnownEvent(e)).toBeUndefined();
    const decoded = decodeEvent(e) as { data: { message: Message } };
    expect(decoded.data.message.attachments).toEqual([att]);
  });

  it('take well-formed hot events themselves and return exactly what zod returns', () => {
    for (const e of hot) {
      const fast = fastKnownEvent(e);
      expect(fast).toBeDefined();
      expectSame(fast, KnownEvent.parse(e));
      expectSame(decodeEvent(e), strictDecode(e));
    }
  });

  it('drop unknown fields and copy arrays, as zod does', () => {
    const e = { ...msgEvent(3, 'r1', { mentions: ['u1'] }), extra: 1 };
    (e.data as Record<string, unknown>).more = 2;
    (e.data.message as Record<string, unknown>).future = 'x';
    const fast = fastKnownEvent(e)!;
    expectSame(fast, KnownEvent.parse(e));
    expect(fast.type === 'message.created' && fast.data.message.mentions).not.toBe(e.data.message.mentions);
  });

  it('leave other types, and anything they are unsure of, to zod', () => {
    expect(fastKnownEvent(event('user.joined', 2, { user: user('u9') }))).toBeUndefined();
    expect(fastKnownEvent({ ...msgEvent(3), data: { message: { ...message('m', 'r1', 3), nonce: undefined } } })).toBeUndefined();
    expect(fastKnownEvent(Object.assign(Object.create({ inherited: true }) as object, msgEvent(3)))).toBeUndefined();
    expect(fastKnownEvent([msgEvent(3)])).toBeUndefined();
  });
});

/** Values that break one rule or another of Id, Order, text, booleans and arrays. */
const oddValue = fc.constantFrom<unknown>(
  undefined, null, '', 'x', 'x'.repeat(64), 'x'.repeat(65), 0, -0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER, Infinity, NaN,
  true, false, [], ['u1'], [''], ['u1', 5], {}, { a: 1 }, 'message.created', 'read.marked', 'poll.created',
);

/** A hot event with one field (anywhere in it) replaced, removed or added. */
const mutated = fc
  .tuple(fc.constantFrom(...hot), fc.integer({ min: 0, max: 40 }), oddValue, fc.constantFrom('set', 'delete', 'add'))
  .map(([base, pick, value, how]) => {
    const e = structuredClone(base) as Record<string, unknown>;
    const data = e.data as Record<string, unknown>;
    const targets: Record<string, unknown>[] = [e, data, ...(data.message ? [data.message as Record<string, unknown>] : [])];
    const target = targets[pick % targets.length]!;
    const keys = Object.keys(target);
    const key = how === 'add' ? `extra${pick}` : keys[pick % keys.length]!;
    if (how === 'delete') delete target[key];
    else target[key] = value;
    return e;
  });

describe('decodeEvent with the hand-written checks', () => {
  it('gives the same answer as the schemas alone for malformed events', () => {
    fc.assert(
      fc.property(mutated, (e) => {
        expectSame(decodeEvent(e), strictDecode(e));
        const fast = fastKnownEvent(e);
        if (fast) expectSame(fast, KnownEvent.parse(e));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same answer for arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => expectSame(decodeEvent(v), strictDecode(v))), { numRuns: 500 });
  });
});

describe('decodeSyncResult', () => {
  const strict = (v: unknown) => {
    const r = SyncResult.safeParse(v);
    return r.success ? r.data : null;
  };

  it('gives what SyncResult.safeParse gives, unknown event types refused as before', () => {
    const other = event('user.joined', 2, { user: user('u9') });
    const pages: unknown[] = [
      { events: [...hot, other], through: 9, more: true },
      { events: [], through: 9, more: false, snapshotRequired: true, extra: 1 },
      { events: [{ ...other, type: 'poll.created' }], through: 9, more: false },
      { events: [msgEvent(3), { ...msgEvent(4), order: -1 }], through: 9, more: false },
      { events: 'nope', through: 9, more: false },
      null,
    ];
    for (const p of pages) expectSame(decodeSyncResult(p), strict(p));
    fc.assert(
      fc.property(fc.array(mutated, { maxLength: 5 }), (events) => {
        const p = { events, through: 50, more: false };
        expectSame(decodeSyncResult(p), strict(p));
      }),
      { numRuns: 300 },
    );
  });
});
