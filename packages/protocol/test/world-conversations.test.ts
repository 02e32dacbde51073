import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  isQuiet,
  notifyLevel,
  roomLabel,
  seenBy,
  shouldNotify,
  worldFromState,
  type ClientEvent,
  type World,
} from '@open-discord/protocol';
import { event, message, msgEvent, room, state, user } from './helpers/fixtures.js';

// Direct and group chats, read receipts and personal room settings in the World model (me: u1).

const apply = (w: World, ...events: ClientEvent[]) => events.reduce(applyEvent, w);
const dm = room('d1', { kind: 'dm', name: '', members: ['u1', 'u2'] });
const group = room('g1', { kind: 'group', name: 'plans', members: ['u1', 'u2'], admins: ['u1'] });
const chats = () => worldFromState(state({ users: [user('u1'), user('u2'), user('u3')], rooms: [room('r1'), dm, group] }));

describe('chats in the world', () => {
  it('a chat someone else opens with me is joined, and one I am added to lists me', () => {
    const w = apply(worldFromState(state({ rooms: [room('r1')] })), { ...event('room.created', 11, { room: dm }, 'd1'), actorId: 'u2' });
    expect(w.joined.d1).toBe(true);
    expect(w.historyEnd.d1).toBe(true);
    // A text room someone else creates is only listed.
    const t = apply(w, { ...event('room.created', 12, { room: room('t9') }, 't9'), actorId: 'u2' });
    expect(t.joined.t9).toBeUndefined();
  });

  it('members joining and leaving a group change its member list; a leaver\'s receipt goes', () => {
    let w = apply(chats(), event('room.joined', 11, { roomId: 'g1', userId: 'u3' }, 'g1'));
    expect(w.rooms.g1?.members).toEqual(['u1', 'u2', 'u3']);
    w = apply(w, event('read.receipt', 12, { roomId: 'g1', userId: 'u3', order: 11 }, 'g1'));
    expect(w.receipts.g1).toEqual({ u3: 11 });
    w = apply(w, event('room.left', 13, { roomId: 'g1', userId: 'u3' }, 'g1'));
    expect(w.rooms.g1?.members).toEqual(['u1', 'u2']);
    expect(w.rooms.g1?.admins).toEqual(['u1']);
    // A member who goes is no admin either.
    expect(apply(w, event('room.left', 14, { roomId: 'g1', userId: 'u1' }, 'g1')).rooms.g1?.admins).toEqual([]);
    expect(w.receipts.g1).toEqual({});
    // Text rooms keep no member list.
    expect(apply(w, event('room.joined', 14, { roomId: 'r1', userId: 'u3' }, 'r1')).rooms.r1?.members).toBeUndefined();
  });

  it('receipts: the others\' markers, under the last message each has read', () => {
    let w = apply(chats(), msgEvent(11, 'g1'), msgEvent(12, 'g1', { authorId: 'u1' }), msgEvent(13, 'g1'));
    w = apply(w, event('read.receipt', 14, { roomId: 'g1', userId: 'u2', order: 12 }, 'g1'));
    w = apply(w, event('read.receipt', 15, { roomId: 'g1', userId: 'u3', order: 12 }, 'g1'));
    // My own receipt is ignored: read.marked is mine.
    w = apply(w, event('read.receipt', 16, { roomId: 'g1', userId: 'u1', order: 13 }, 'g1'));
    expect(w.receipts.g1).toEqual({ u2: 12, u3: 12 });
    expect(Object.fromEntries(seenBy(w, 'g1'))).toEqual({ m12: ['u2', 'u3'] });
    // Receipts move backwards too (a member marked the room unread again).
    w = apply(w, event('read.receipt', 17, { roomId: 'g1', userId: 'u2', order: 11 }, 'g1'));
    expect(Object.fromEntries(seenBy(w, 'g1'))).toEqual({ m11: ['u2'], m12: ['u3'] });
  });

  it('read.unmarked moves my marker back and counts the room unread again', () => {
    let w = apply(chats(), msgEvent(11, 'g1'), msgEvent(12, 'g1'), event('read.marked', 13, { roomId: 'g1', order: 12 }, 'g1'));
    expect(w.unread.g1).toEqual({ count: 0, mentions: 0 });
    w = apply(w, event('read.unmarked', 14, { roomId: 'g1', order: 11 }, 'g1'));
    expect(w.readMarkers.g1).toBe(11);
    expect(w.unread.g1).toEqual({ count: 1, mentions: 0 });
    // A read.unmarked that would move it forward changes nothing.
    expect(apply(w, event('read.unmarked', 15, { roomId: 'g1', order: 12 }, 'g1')).readMarkers.g1).toBe(11);
  });
});

describe('personal settings in the world', () => {
  it('decide the label, the level and whether a message notifies; counts stay exact', () => {
    let w = chats();
    expect(roomLabel(w, w.rooms.d1!)).toBe('nick-u2');
    expect(roomLabel(w, w.rooms.g1!)).toBe('plans');
    // Until set otherwise: chats ring on every message, text rooms on mentions.
    expect(notifyLevel(w, 'g1')).toBe('all');
    expect(notifyLevel(w, 'r1')).toBe('mentions');
    expect(shouldNotify(w, message('t1', 'r1', 11))).toBe(false);
    expect(shouldNotify(w, message('t2', 'r1', 11, { mentions: ['u1'] }))).toBe(true);
    const plain = message('x1', 'g1', 11);
    const mention = message('x2', 'g1', 12, { mentions: ['u1'] });
    expect(shouldNotify(w, plain)).toBe(true);

    w = apply(w, event('room.settings.changed', 11, { settings: { roomId: 'g1', muted: false, level: 'mentions', localName: 'the plan' } }, 'g1'));
    expect(roomLabel(w, w.rooms.g1!)).toBe('the plan');
    expect(shouldNotify(w, plain)).toBe(false);
    expect(shouldNotify(w, mention)).toBe(true);
    expect(shouldNotify(w, { ...mention, authorId: 'u1' })).toBe(false);

    w = apply(w, event('room.settings.changed', 12, { settings: { roomId: 'g1', muted: true, level: 'mentions', localName: null } }, 'g1'));
    expect(isQuiet(w, 'g1')).toBe(true);
    expect(shouldNotify(w, mention)).toBe(false);
    w = apply(w, msgEvent(13, 'g1'));
    expect(w.unread.g1).toEqual({ count: 1, mentions: 0 });

    // Defaults apply where a room has no level of its own.
    w = apply(w, event('notify.defaults.changed', 14, { defaults: { rooms: 'all', chats: 'none' } }));
    expect(notifyLevel(w, 'd1')).toBe('none');
    expect(notifyLevel(w, 'r1')).toBe('all');
    expect(isQuiet(w, 'd1')).toBe(true);
    expect(shouldNotify(w, message('x3', 'd1', 15))).toBe(false);
  });

  it('come from the snapshot, for rooms still visible', () => {
    const w = worldFromState(
      state({
        rooms: [room('r1'), dm],
        roomSettings: [
          { roomId: 'd1', muted: true, level: null, localName: null },
          { roomId: 'gone', muted: true, level: null, localName: null },
        ],
        notifyDefaults: { rooms: 'none', chats: 'mentions' },
        receipts: { d1: { u2: 7 } },
      }),
    );
    expect(Object.keys(w.roomSettings)).toEqual(['d1']);
    expect(w.notifyDefaults).toEqual({ rooms: 'none', chats: 'mentions' });
    expect(w.receipts).toEqual({ d1: { u2: 7 } });
    expect(worldFromState(state()).notifyDefaults).toEqual({ rooms: 'mentions', chats: 'all' });
  });
});
