import type { KnownEvent, Message, PublicUser, Room, StateResult } from '@open-discord/protocol';

/** Builders for wire objects in tests: complete, schema-valid values with overridable fields. */

export const user = (id: string, extra: Partial<PublicUser> = {}): PublicUser => ({
  id,
  nickname: `nick-${id}`,
  color: null,
  roles: [],
  ...extra,
});

export const room = (id: string, extra: Partial<Room> = {}): Room => ({
  id,
  name: `room-${id}`,
  topic: '',
  kind: 'text',
  categoryId: null,
  position: 0,
  restrictedTo: null,
  ...extra,
});

export const message = (id: string, roomId: string, order: number, extra: Partial<Message> = {}): Message => ({
  id,
  roomId,
  authorId: 'u2',
  text: `text ${id}`,
  createdAt: 1_700_000_000_000 + order,
  order,
  ...extra,
});

type Data<T extends KnownEvent['type']> = Extract<KnownEvent, { type: T }>['data'];

/** One event of any known type with a generated envelope. */
export function event<T extends KnownEvent['type']>(
  type: T,
  order: number,
  data: Data<T>,
  roomId: string | null = null,
): Extract<KnownEvent, { type: T }> {
  return { type, order, id: `e${order}`, roomId, actorId: 'u2', createdAt: 1_700_000_000_000 + order, data } as Extract<
    KnownEvent,
    { type: T }
  >;
}

export const msgEvent = (order: number, roomId = 'r1', extra: Partial<Message> = {}) =>
  event('message.created', order, { message: message(`m${order}`, roomId, order, extra) }, roomId);

export function state(extra: Partial<StateResult> = {}): StateResult {
  return {
    head: 10,
    me: { ...user('u1'), username: 'alice' },
    users: [user('u1'), user('u2')],
    rooms: [room('r1'), room('r2')],
    // In every room it lists unless a test says otherwise.
    joined: (extra.rooms ?? [room('r1'), room('r2')]).map((r) => r.id),
    categories: [],
    roles: [{ id: 'everyone', name: 'everyone', color: null, position: 0, permissions: ['create_rooms'], builtin: true }],
    readMarkers: {},
    unread: {},
    ...extra,
  };
}
