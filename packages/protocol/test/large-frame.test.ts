import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeServerFrame, MAX_FRAME_DEPTH } from '@open-discord/protocol';
import { LARGE_FRAME_BYTES, parseLargeFrame } from '../src/large-frame.js';
import { event, msgEvent } from './helpers/fixtures.js';

/*
 * A large server frame given as bytes (what ws hands over) is parsed a run of events at a time
 * (large-frame.ts); the same frame given as text takes the ordinary whole-text path. Whatever the bytes,
 * both must give the same result: the same events for a good page, the same refusal for a bad one.
 */

const TEXTS = ['plain text', 'ünïcödé 漢字 😀', 'quotes " and \\ backslashes \\\\', '},{"order":1,"events":[', '\u2028 line sep', ''];

/** A replay page of `n` message events, well over LARGE_FRAME_BYTES for n ≥ 400. */
function page(n = 600, from = 1) {
  const events = Array.from({ length: n }, (_, i) => msgEvent(from + i, 'r1', { text: `${i} ${TEXTS[i % TEXTS.length]}` }));
  return { type: 'replay', events, through: from + n, more: false };
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const bytes = (text: string) => Buffer.from(text, 'utf8');

/** The large-frame path (bytes) against the whole-text path (the same bytes decoded first). */
function expectBothPaths(raw: Uint8Array) {
  expect(raw.length).toBeGreaterThanOrEqual(LARGE_FRAME_BYTES);
  const viaBytes = decodeServerFrame(raw);
  expect(viaBytes).toStrictEqual(decodeServerFrame(utf8.decode(raw)));
  return viaBytes;
}

describe('large server frames', () => {
  it('are parsed in runs into exactly what JSON.parse gives', () => {
    const text = JSON.stringify(page());
    const large = parseLargeFrame(bytes(text), (b) => utf8.decode(b), (t) => JSON.parse(t) as unknown, MAX_FRAME_DEPTH);
    expect(large).toEqual({ value: JSON.parse(text) });
  });

  it('decode a well-formed replay page to the same events as the whole-text path', () => {
    const p = page();
    const decoded = expectBothPaths(bytes(JSON.stringify(p)));
    expect(decoded).toMatchObject({ ok: true, value: { type: 'replay', through: p.through, more: false } });
    if (decoded.ok && decoded.value?.type === 'replay') expect(decoded.value.events.map((e) => e.order)).toEqual(p.events.map((e) => e.order));
  });

  it('take any layout JSON allows: spaces, keys in any order, `events` elsewhere, fragments', () => {
    const p = page();
    expectBothPaths(bytes(JSON.stringify(p, null, 2)));
    expectBothPaths(bytes(JSON.stringify({ more: true, through: 9, x: { events: [1, 2] }, events: p.events, type: 'replay' })));
    const one = bytes(JSON.stringify(p));
    const cut = one.length >> 1;
    expect(decodeServerFrame([one.subarray(0, cut), one.subarray(cut)])).toStrictEqual(decodeServerFrame(utf8.decode(one)));
  });

  it('still refuse a page with a malformed event inside, as before', () => {
    const p = page();
    (p.events[300] as { order: number }).order = -1;
    expect(expectBothPaths(bytes(JSON.stringify(p)))).toEqual({ ok: false, id: null, error: { code: 'BAD_REQUEST', message: 'replay: malformed event' } });
    // A known type with data that does not match its schema is kept as `unknown` (its order still counts).
    const q = page();
    (q.events[300]!.data.message as { order: number }).order = -1;
    const d = expectBothPaths(bytes(JSON.stringify(q)));
    expect(d.ok && d.value?.type === 'replay' && d.value.events[300]).toMatchObject({ type: 'unknown', originalType: 'message.created', order: 301 });
  });

  it('keep unknown event types as `unknown`', () => {
    const p = page() as { events: unknown[] };
    p.events.splice(10, 0, { ...event('read.marked', 0, { roomId: 'r1', order: 1 }), type: 'poll.created' });
    const d = expectBothPaths(bytes(JSON.stringify(p)));
    expect(d.ok && d.value?.type === 'replay' && d.value.events[10]!.type).toBe('unknown');
  });

  it('refuse broken JSON the way the whole-text path does', () => {
    const good = JSON.stringify(page());
    const at = good.indexOf(',{"order":300');
    const spaces = ' '.repeat(40_000);
    const broken = [
      good.slice(0, at) + ',' + good.slice(at), // [a,,b]
      good.replace(/\],"through"/, ',],"through"'), // trailing comma
      good.replace('"events":[', '"events":[,'), // leading comma
      good.slice(0, at) + `,${spaces}` + good.slice(at), // an element of nothing but spaces
      good.slice(0, good.length >> 1), // cut short
      good.slice(0, -1) + ',"events":[]}', // a second `events` key: JSON.parse keeps the last
      good.slice(0, -1) + ',"\\u0065vents":[]}', // the same key, escaped
      good.replace('"events":[', '"events":{"a":['), // not an array
      '\ufeff' + good, // a byte-order mark
      good.replace('"text":"0 plain text"', '"text":"0 plain text\\"'), // an unterminated string
      good.replace('"text":"0 plain text"', '"text":"0 \\ud800 lone"'), // a lone surrogate: repaired, not refused
    ];
    for (const text of broken) expectBothPaths(bytes(text));
  });

  it('refuse a frame nested deeper than MAX_FRAME_DEPTH, as before', () => {
    const p = page() as { events: unknown[] };
    let deep: unknown = 1;
    for (let i = 0; i < MAX_FRAME_DEPTH + 2; i++) deep = [deep];
    p.events.push({ ...msgEvent(9999), extra: deep });
    expect(expectBothPaths(bytes(JSON.stringify(p)))).toMatchObject({ ok: false, error: { message: 'server frame is not a JSON object' } });
  });

  it('give the same result as the whole-text path whatever byte is broken', () => {
    const good = bytes(JSON.stringify(page(400)));
    const structural = [0x22, 0x2c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x5c, 0x20, 0xff, 0xe6];
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.constantFrom(...structural), fc.constantFrom('set', 'insert', 'delete'), (at, byte, how) => {
        const raw =
          how === 'set'
            ? Buffer.concat([good.subarray(0, at), Buffer.from([byte]), good.subarray(at + 1)])
            : how === 'insert'
              ? Buffer.concat([good.subarray(0, at), Buffer.from([byte]), good.subarray(at)])
              : Buffer.concat([good.subarray(0, at), good.subarray(at + 1)]);
        expectBothPaths(raw);
      }),
      { numRuns: 300 },
    );
  });
});
