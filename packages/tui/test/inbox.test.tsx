import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent, InboxItem, InboxSettings, Room } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { BOB, boot, live, snapshot, T0 } from './fixtures.js';
import { FakeClient } from './fake-client.js';

afterEach(() => cleanup());

// The notification inbox in od, driven through the controllers with a hand-driven client: asked when the
// connection comes live and after each inbox event, its unread count on the status line, /inbox (and Alt+I)
// listing items, Enter marking one read and going to it (a board's post in the thread pane, a chat mention
// in the messages around it), /inbox all and on/off.

const board: Room = { id: 'r-ideas', name: 'ideas', topic: '', kind: 'forum', categoryId: null, position: 1, restrictedTo: null };
const base = snapshot();
const SETTINGS: InboxSettings = { mention: true, reply: true, comment: true, post: true, reaction: true };
const tick = () => new Promise((r) => setImmediate(r));

const item = (order: number, over: Partial<InboxItem> = {}): InboxItem => ({
  id: `i${order}`,
  kind: 'reply',
  roomId: board.id,
  messageId: `m${order}`,
  threadId: 'p5',
  actorId: BOB,
  title: 'Rust async',
  excerpt: `comment ${order}`,
  order,
  createdAt: T0 + order,
  read: false,
  ...over,
});
const inboxEvent = (order: number): ClientEvent =>
  ({ order, id: `e${order}`, roomId: null, actorId: BOB, createdAt: T0, type: 'inbox.item', data: { itemId: `i${order}`, kind: 'reply' } }) as ClientEvent;

function od() {
  const client = new FakeClient();
  const store = createStore(boot({ rooms: [...base.rooms, board], joined: [...base.joined, board.id] }));
  const actions = attachClient(client, store, { onQuit: () => {}, nonce: () => 'n1' });
  const key = (intent: Parameters<typeof handleIntent>[0]) => handleIntent(intent, store, actions, () => {});
  const screen = () => render(<ChatScreen state={store.getState()} now={T0 + 60_000} />).lastFrame()!;
  return { client, store, actions, key, screen };
}

async function answer(o: ReturnType<typeof od>, items: InboxItem[], unread = items.filter((i) => !i.read).length) {
  o.client.of('inbox.list').at(-1)!.resolve({ items, unread, end: true, settings: SETTINGS });
  await tick();
}

describe('the inbox in od', () => {
  it('asks for the inbox when live and after each inbox event; the status line shows the unread count', async () => {
    const o = od();
    expect(o.client.of('inbox.list')).toHaveLength(0);
    o.store.dispatch(live);
    expect(o.client.of('inbox.list')).toHaveLength(1);
    await answer(o, [item(30)]);
    expect(o.screen()).toContain('inbox 1');
    o.client.emit('event', inboxEvent(31));
    expect(o.client.of('inbox.list')).toHaveLength(2);
    await answer(o, [item(31), item(30)]);
    expect(o.screen()).toContain('inbox 2');
    // Events while a request is out coalesce into one more request once it is answered.
    o.client.emit('event', inboxEvent(32));
    o.client.emit('event', inboxEvent(33));
    o.client.emit('event', inboxEvent(34));
    expect(o.client.of('inbox.list')).toHaveLength(3);
    await answer(o, [item(32), item(31), item(30)]);
    expect(o.client.of('inbox.list')).toHaveLength(4);
    await answer(o, [item(32)]);
    expect(o.client.of('inbox.list')).toHaveLength(4);
    // A reaction taken back: its item left the inbox (inbox.removed), and the count is asked for again.
    o.client.emit('event', { order: 35, id: 'e35', roomId: null, actorId: BOB, createdAt: T0, type: 'inbox.removed', data: { ids: ['i32'] } } as ClientEvent);
    expect(o.client.of('inbox.list')).toHaveLength(5);
    await answer(o, [], 0);
    expect(o.screen()).not.toContain('inbox ');
  });

  it('/inbox lists who did what where; Enter marks the item read and opens the post in its board', async () => {
    const o = od();
    o.store.dispatch(live);
    await answer(o, []);
    o.actions.submit('/inbox');
    await answer(o, [item(31, { excerpt: 'second thought' }), item(30, { read: true, kind: 'post', threadId: undefined, messageId: 'p5' } as Partial<InboxItem>)]);
    let frame = o.screen();
    expect(frame).toContain('inbox › 1 unread');
    expect(frame).toContain('● bob replied in #ideas "Rust async"');
    expect(frame).toContain('second thought');
    expect(frame).toContain('bob posted in #ideas "Rust async"');
    o.key({ kind: 'history', delta: 1 });
    o.key({ kind: 'history', delta: -1 });
    o.key({ kind: 'submit' });
    expect(o.client.of('inbox.read').map((r) => r.params)).toEqual([{ ids: ['i31'] }]);
    expect(o.store.getState().currentRoomId).toBe(board.id);
    expect(o.store.getState().overlay).toBeNull();
    expect(o.client.of('thread.history').map((r) => r.params)).toEqual([{ roomId: board.id, threadId: 'p5', limit: 100 }]);
  });

  it('a mention in a chat room jumps to the messages around it; Alt+I opens the inbox', async () => {
    const o = od();
    o.store.dispatch(live);
    await answer(o, []);
    o.key({ kind: 'inbox' });
    expect(o.store.getState().overlay).toEqual({ kind: 'inbox' });
    const room = base.rooms[0]!.id;
    await answer(o, [item(40, { kind: 'mention', roomId: room, messageId: 'm40', threadId: undefined, title: undefined } as Partial<InboxItem>)]);
    expect(o.screen()).toContain(`bob mentioned you in #${base.rooms[0]!.name}`);
    o.key({ kind: 'submit' });
    expect(o.client.of('history.around').map((r) => r.params)).toEqual([{ roomId: room, messageId: 'm40', before: 25, after: 25 }]);
    expect(o.store.getState().search.jump).toMatchObject({ roomId: room, messageId: 'm40' });
  });

  it('/inbox all marks everything read; /inbox off KIND switches a kind off; bad kinds are explained', async () => {
    const o = od();
    o.actions.submit('/inbox all');
    expect(o.client.of('inbox.read').map((r) => r.params)).toEqual([{ all: true }]);
    o.actions.submit('/inbox off reaction');
    expect(o.client.of('inbox.settings').map((r) => r.params)).toEqual([{ reaction: false }]);
    o.actions.submit('/inbox off likes');
    expect(o.client.of('inbox.settings')).toHaveLength(1);
    expect(o.screen()).toContain('usage: /inbox off mention|reply|comment|post|reaction');
  });
});
