import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { applyPage, decideLive } from '@open-discord/protocol';

const live = (prev: number, order: number) => ({ prev, event: { order } });

describe('decideLive', () => {
  it('applies the next frame, including after redacted orders', () => {
    expect(decideLive(4, live(4, 5))).toEqual({ kind: 'apply' });
    // Orders 5..8 were hidden from this client: prev accounts for them.
    expect(decideLive(4, live(4, 9))).toEqual({ kind: 'apply' });
    // A snapshot moved lastOrder past prev: still nothing missing.
    expect(decideLive(7, live(4, 9))).toEqual({ kind: 'apply' });
  });

  it('skips frames already applied', () => {
    expect(decideLive(9, live(4, 9))).toEqual({ kind: 'duplicate' });
    expect(decideLive(9, live(1, 2))).toEqual({ kind: 'duplicate' });
  });

  it('reports a gap when prev is past lastOrder', () => {
    expect(decideLive(4, live(6, 7))).toEqual({ kind: 'gap', from: 4, to: 6 });
  });
});

describe('applyPage', () => {
  it('applies events after lastOrder and accounts up to through', () => {
    const r = applyPage(3, { events: [{ order: 2 }, { order: 3 }, { order: 5 }, { order: 8 }], through: 12 });
    expect(r).toEqual({ apply: [{ order: 5 }, { order: 8 }], lastOrder: 12 });
  });

  it('never moves backwards and drops repeated or reordered events', () => {
    expect(applyPage(10, { events: [], through: 4 })).toEqual({ apply: [], lastOrder: 10 });
    expect(applyPage(0, { events: [{ order: 2 }, { order: 2 }, { order: 1 }, { order: 3 }], through: 3 }).apply).toEqual([{ order: 2 }, { order: 3 }]);
  });
});

/*
 * Property: a client fed live frames with random losses, duplicates and stale re-deliveries, resyncing with
 * randomly sized sync pages whenever it sees a gap, applies every visible order exactly once and in order.
 */
const scenario = fc.record({
  visible: fc.array(fc.boolean(), { minLength: 1, maxLength: 80 }),
  actions: fc.array(fc.constantFrom('next', 'next', 'next', 'drop', 'dup', 'stale'), { maxLength: 200 }),
  pageSizes: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
  pick: fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
});

describe('sequencer property', () => {
  propTest.prop([scenario])('applies every visible order once, in order, across losses and duplicates', ({ visible, actions, pageSizes, pick }) => {
    const n = visible.length;
    const visibleOrders = visible.flatMap((v, i) => (v ? [i + 1] : []));
    // The live frames the server would send this client: prev = the previous visible order.
    const frames = visibleOrders.map((order, i) => live(i === 0 ? 0 : visibleOrders[i - 1]!, order));

    let lastOrder = 0;
    const applied: number[] = [];
    let pageIx = 0;
    let pickIx = 0;
    const nextPick = (mod: number) => pick[pickIx++ % pick.length]! % mod;

    /** The server's sync: visible events in (after, after + size], capped at the server's head. */
    const syncTo = (head: number) => {
      for (let guard = 0; guard <= n + 1; guard++) {
        const size = pageSizes[pageIx++ % pageSizes.length]!;
        const through = Math.min(head, lastOrder + size);
        const events = visibleOrders.filter((o) => o > lastOrder && o <= through).map((order) => ({ order }));
        const r = applyPage(lastOrder, { events, through });
        applied.push(...r.apply.map((e) => e.order));
        lastOrder = r.lastOrder;
        if (through >= head) return;
      }
      throw new Error('sync did not terminate');
    };

    const deliver = (frame: { prev: number; event: { order: number } }) => {
      const d = decideLive(lastOrder, frame);
      if (d.kind === 'gap') {
        syncTo(frame.event.order);
        expect(decideLive(lastOrder, frame).kind).toBe('duplicate');
        return;
      }
      if (d.kind === 'apply') {
        applied.push(frame.event.order);
        lastOrder = frame.event.order;
      }
    };

    let next = 0;
    for (const a of actions) {
      if (a === 'next' && next < frames.length) deliver(frames[next++]!);
      else if (a === 'drop' && next < frames.length) next++;
      else if ((a === 'dup' || a === 'stale') && next > 0) deliver(frames[a === 'dup' ? next - 1 : nextPick(next)]!);
    }
    // Whatever is left: the client eventually syncs to the server's head.
    syncTo(n);

    for (let i = 1; i < applied.length; i++) expect(applied[i]!).toBeGreaterThan(applied[i - 1]!);
    expect(applied).toEqual(visibleOrders);
    expect(lastOrder).toBe(n);
  });
});
