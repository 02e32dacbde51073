import { describe, expect, it } from 'vitest';
import { addHistory, addJump, applyEvent, applySnapshot, dropJump, extendJump, worldFromState, type ClientEvent, type World } from '@open-discord/protocol';
import { event, message, msgEvent, state } from './helpers/fixtures.js';

/*
 * A room's jump window: messages loaded around a search hit far back, beside the main list (contiguous up to
 * the newest message). The two never pose as one list until they meet.
 */
const base = (): World => worldFromState(state({ head: 1000 }));
const apply = (w: World, ...events: ClientEvent[]) => events.reduce(applyEvent, w);
const msgs = (from: number, to: number, roomId = 'r1') => Array.from({ length: to - from + 1 }, (_, i) => message(`m${from + i}`, roomId, from + i));
const ids = (list: readonly { order: number }[] | undefined) => (list ?? []).map((m) => m.order);

/** r1's main list holds 900..910 (the newest). */
const withLive = () => addHistory(base(), 'r1', msgs(900, 910));

describe('jump window', () => {
  it('far back: kept beside the main list, which stays as it was', () => {
    const w = addJump(withLive(), 'r1', 'm100', msgs(95, 105), { olderEnd: false, newerEnd: false });
    expect(ids(w.messages.r1)).toEqual(ids(msgs(900, 910)));
    expect(w.jumps.r1).toMatchObject({ anchorId: 'm100', olderEnd: false });
    expect(ids(w.jumps.r1?.messages)).toEqual(ids(msgs(95, 105)));
    // A new message goes to the main list, never into the window.
    const next = apply(w, msgEvent(1001));
    expect(ids(next.messages.r1).at(-1)).toBe(1001);
    expect(ids(next.jumps.r1?.messages)).toEqual(ids(msgs(95, 105)));
  });

  it('overlapping the main list, or reaching the newest message: one list, no window', () => {
    const near = addJump(withLive(), 'r1', 'm899', msgs(890, 902), { olderEnd: false, newerEnd: false });
    expect(near.jumps.r1).toBeUndefined();
    expect(ids(near.messages.r1)).toEqual(ids(msgs(890, 910)));
    // Nothing loaded yet, but the page reaches the newest: it is the main list.
    const fresh = addJump(base(), 'r1', 'm5', msgs(1, 8), { olderEnd: true, newerEnd: true });
    expect(fresh.jumps.r1).toBeUndefined();
    expect(ids(fresh.messages.r1)).toEqual(ids(msgs(1, 8)));
    expect(fresh.historyEnd.r1).toBe(true);
  });

  it('extends older and newer; merges into the main list once it meets it', () => {
    let w = addJump(withLive(), 'r1', 'm850', msgs(845, 855), { olderEnd: false, newerEnd: false });
    w = extendJump(w, 'r1', 'm850', msgs(840, 844), 'older', true);
    expect(ids(w.jumps.r1?.messages)).toEqual(ids(msgs(840, 855)));
    expect(w.jumps.r1?.olderEnd).toBe(true);
    // A page for another window (a jump elsewhere meanwhile) is not merged.
    expect(extendJump(w, 'r1', 'm1', msgs(1, 3), 'older', false)).toBe(w);
    w = extendJump(w, 'r1', 'm850', msgs(855, 880), 'newer', false);
    expect(ids(w.jumps.r1?.messages)).toEqual(ids(msgs(840, 880)));
    w = extendJump(w, 'r1', 'm850', msgs(880, 905), 'newer', false);
    expect(w.jumps.r1).toBeUndefined();
    expect(ids(w.messages.r1)).toEqual(ids(msgs(840, 910)));
    expect(w.historyEnd.r1).toBe(true);
  });

  it('edits and deletes reach the window; a new jump replaces it; leaving, parting and a gap drop it', () => {
    let w = addJump(withLive(), 'r1', 'm100', msgs(95, 105), { olderEnd: false, newerEnd: false });
    w = apply(w, event('message.edited', 1001, { message: message('m100', 'r1', 100, { text: 'edited', editedAt: 5 }) }, 'r1'));
    expect(w.jumps.r1?.messages.find((m) => m.id === 'm100')?.text).toBe('edited');
    w = apply(w, event('message.deleted', 1002, { messageId: 'm101', roomId: 'r1' }, 'r1'));
    expect(ids(w.jumps.r1?.messages)).not.toContain(101);
    const elsewhere = addJump(w, 'r1', 'm300', msgs(298, 302), { olderEnd: false, newerEnd: false });
    expect(elsewhere.jumps.r1?.anchorId).toBe('m300');
    expect(ids(elsewhere.jumps.r1?.messages)).toEqual(ids(msgs(298, 302)));
    expect(dropJump(w, 'r1').jumps.r1).toBeUndefined();
    expect(apply(w, event('room.left', 1003, { roomId: 'r1', userId: 'u1' }, 'r1')).jumps.r1).toBeUndefined();
    expect(applySnapshot(w, state({ head: 2000 }), 'gap-too-large').jumps.r1).toBeUndefined();
    expect(applySnapshot(w, state({ head: 2000 }), 'access-changed').jumps.r1).toBeDefined();
    // Rooms one does not see take no window.
    expect(addJump(base(), 'nope', 'x', msgs(1, 2, 'nope'), { olderEnd: true, newerEnd: false }).jumps).toEqual({});
  });
});
