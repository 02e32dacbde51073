import type { ClientEvent, Message, StateResult } from '@open-discord/protocol';
import { reducer, initialState } from '../src/state/reducer.js';
import type { Action } from '../src/state/actions.js';
import type { AppState } from '../src/state/app-state.js';

export const ME = 'u-me';
export const ALICE = 'u-alice';
export const BOB = 'u-bob';
export const T0 = Date.UTC(2025, 2, 3, 9, 30);

export function snapshot(over: Partial<StateResult> = {}): StateResult {
  return {
    head: 10,
    me: { id: ME, nickname: 'me', username: 'me', color: null, roles: [] },
    users: [
      { id: ME, nickname: 'me', color: null, roles: [] },
      { id: ALICE, nickname: 'alice', color: null, roles: [] },
      { id: BOB, nickname: 'bob', color: '#61afef', roles: [] },
    ],
    rooms: [
      { id: 'r-gen', name: 'general', topic: 'chat about anything', kind: 'text', categoryId: null, position: 0, restrictedTo: null },
      { id: 'r-dev', name: 'dev', topic: '', kind: 'text', categoryId: 'c-work', position: 0, restrictedTo: null },
      { id: 'r-ops', name: 'ops', topic: '', kind: 'text', categoryId: 'c-work', position: 1, restrictedTo: null },
    ],
    // In every room it lists unless a test says otherwise.
    joined: (over.rooms ?? [{ id: 'r-gen' }, { id: 'r-dev' }, { id: 'r-ops' }]).map((r) => r.id),
    categories: [{ id: 'c-work', name: 'work', position: 0 }],
    roles: [
      { id: 'role-owner', name: 'owner', color: null, position: 100, permissions: ['manage_rooms'], builtin: true },
      { id: 'role-mod', name: 'mods', color: null, position: 10, permissions: [], builtin: false },
    ],
    readMarkers: { 'r-gen': 0, 'r-dev': 0, 'r-ops': 0 },
    unread: {},
    ...over,
  };
}

export function msg(order: number, over: Partial<Message> = {}): Message {
  return { id: `m${order}`, roomId: 'r-gen', authorId: ALICE, text: `message ${order}`, createdAt: T0 + order * 1000, order, ...over };
}

export function created(m: Message): ClientEvent {
  return { type: 'message.created', order: m.order, id: `e${m.order}`, roomId: m.roomId, actorId: m.authorId, createdAt: m.createdAt, data: { message: m } };
}

export function run(actions: Action[], start: AppState = initialState(100, 30)): AppState {
  return actions.reduce(reducer, start);
}

export const live: Action = { type: 'status', status: { state: 'live' } };
export const boot = (over: Partial<StateResult> = {}): AppState =>
  run([{ type: 'snapshot', state: snapshot(over), reason: 'initial' }, live]);
