import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import type { ClientEvent } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { osc52, reactionLine } from '../src/controllers/message-actions.js';
import { dispatchInput } from '../src/keys/dispatch-input.js';
import { resolveInput, resolveKey } from '../src/keys/keymap.js';
import type { KeyContext } from '../src/keys/intents.js';
import { visiblePane } from '../src/state/messages/selectors.js';
import { reducer } from '../src/state/reducer.js';
import { selectedMessage, selecting, targetMessage } from '../src/state/selection/selection.js';
import { createStore } from '../src/state/store.js';
import { ALICE, boot, created, ME, msg, run } from './fixtures.js';
import { FakeClient } from './fake-client.js';

/*
 * Keyboard message selection (Up on an empty line or Alt+S; j/k/arrows; e, d, +, y; Esc) and the commands
 * that act on the selected or last message without an id (/react, +:tada:, /edit, /delete).
 */

const none = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false } as Key;
const K = {
  up: { ...none, upArrow: true },
  down: { ...none, downArrow: true },
  ctrlUp: { ...none, upArrow: true, ctrl: true },
  esc: { ...none, escape: true },
  enter: { ...none, return: true },
  altS: { ...none, meta: true },
};

/** alice said 11, I said 12, alice said 13, in #general. */
const room = () => run([...[msg(11), msg(12, { authorId: ME, text: 'my words' }), msg(13)].map((m) => ({ type: 'event' as const, event: created(m) }))], boot());

function setup() {
  const client = new FakeClient();
  const store = createStore(room());
  const written: string[] = [];
  const actions = attachClient(client, store, { onQuit: () => {}, nonce: () => 'n1', now: () => 0, writeTerminal: (d) => written.push(d) });
  /** Press a key as the chat screen would (its context follows the state, as use-chat-keys.ts decides it). */
  const press = (input: string, key: Key = none) => dispatchInput(input, key, store, actions, () => {});
  const type = (text: string) => {
    for (const ch of text) press(ch);
  };
  return { client, store, actions, written, press, type };
}

const reaction = (order: number, type: 'reaction.added' | 'reaction.removed', userId: string, emoji: string, messageId = 'm13'): ClientEvent =>
  ({ type, order, id: `e${order}`, roomId: 'r-gen', actorId: userId, createdAt: 0, data: { messageId, roomId: 'r-gen', emoji, userId } }) as ClientEvent;

describe('the selection reducer', () => {
  it('starts on my newest message or the newest, moves by message, and leaves past the newest', () => {
    let s = reducer(room(), { type: 'select/enter', start: 'own-last' });
    expect(selectedMessage(s)?.id).toBe('m12');
    s = reducer(s, { type: 'select/move', delta: -1 });
    expect(selectedMessage(s)?.id).toBe('m11');
    // At the oldest loaded message it stays.
    expect(reducer(s, { type: 'select/move', delta: -1 })).toBe(s);
    s = reducer(reducer(s, { type: 'select/move', delta: 1 }), { type: 'select/move', delta: 1 });
    expect(selectedMessage(s)?.id).toBe('m13');
    s = reducer(s, { type: 'select/move', delta: 1 });
    expect(s.selection).toBeNull();
    expect(selectedMessage(reducer(room(), { type: 'select/enter', start: 'last' }))?.id).toBe('m13');
    // Nothing to select in an empty room.
    expect(reducer(boot(), { type: 'select/enter', start: 'last' }).selection).toBeNull();
  });

  it('is no selection once its message is gone or another room is on screen', () => {
    let s = reducer(room(), { type: 'select/enter', start: 'last' });
    expect(selecting(s)).toBe(true);
    expect(selecting(reducer(s, { type: 'room/select', roomId: 'r-dev' }))).toBe(false);
    s = reducer(s, { type: 'event', event: { type: 'message.deleted', order: 14, id: 'e14', roomId: 'r-gen', actorId: ALICE, createdAt: 0, data: { messageId: 'm13', roomId: 'r-gen' } } });
    expect(selectedMessage(s)).toBeNull();
    expect(selecting(s)).toBe(false);
  });

  it('targets the selected message, else the newest (mine, for edits)', () => {
    expect(targetMessage(room())?.id).toBe('m13');
    expect(targetMessage(room(), true)?.id).toBe('m12');
    const s = reducer(room(), { type: 'select/enter', start: 'last' });
    expect(targetMessage(reducer(s, { type: 'select/move', delta: -1 }))?.id).toBe('m12');
    // Someone else's selected message is no target for an edit: my newest is.
    expect(targetMessage(s, true)?.id).toBe('m12');
  });

  it('edit puts the text in the input line; ending it clears the line only when asked', () => {
    let s = reducer(room(), { type: 'select/edit', roomId: 'r-gen', messageId: 'm12', text: 'my words' });
    expect(s.input.text).toBe('my words');
    expect(s.editing).toEqual({ roomId: 'r-gen', messageId: 'm12' });
    expect(reducer(s, { type: 'select/edit-end' }).input.text).toBe('my words');
    s = reducer(s, { type: 'select/edit-end', clear: true });
    expect(s.input.text).toBe('');
    expect(s.editing).toBeNull();
  });
});

describe('selection keys', () => {
  it('Up on an empty line selects my last message; e loads it; Enter saves it as message.edit; Esc gives up', () => {
    const { client, store, press, type } = setup();
    press('', K.up);
    expect(selectedMessage(store.getState())?.id).toBe('m12');
    press('e');
    expect(store.getState().input.text).toBe('my words');
    expect(store.getState().selection).toBeNull();
    press('', { ...none, backspace: true });
    type('!');
    press('', K.enter);
    expect(client.of('message.edit').map((r) => r.params)).toEqual([{ messageId: 'm12', text: 'my word!' }]);
    expect(client.of('message.send')).toEqual([]);
    expect(store.getState().input.text).toBe('');
    expect(store.getState().editing).toBeNull();

    press('', K.up);
    press('e');
    press('', K.esc);
    expect(store.getState().input.text).toBe('');
    expect(client.of('message.edit')).toHaveLength(1);
  });

  it('j/k and the arrows move, other keys leave selection mode and type; e on a message not mine refuses', () => {
    const { store, press, client } = setup();
    press('s', K.altS);
    expect(selectedMessage(store.getState())?.id).toBe('m13');
    press('k');
    press('k');
    expect(selectedMessage(store.getState())?.id).toBe('m11');
    press('j');
    expect(selectedMessage(store.getState())?.id).toBe('m12');
    press('', K.up);
    press('e');
    expect(store.getState().flash?.text).toBe('you can only edit your own messages');
    press('', K.down);
    expect(selectedMessage(store.getState())?.id).toBe('m12');
    press('x');
    expect(store.getState().selection).toBeNull();
    expect(store.getState().input.text).toBe('x');
    // With text in the line, Up is the input history again; Ctrl+Up recalls it even on an empty line.
    store.dispatch({ type: 'input/set', text: '' });
    store.dispatch({ type: 'input/submitted', text: 'said before' });
    press('', K.ctrlUp);
    expect(store.getState().input.text).toBe('said before');
    expect(store.getState().selection).toBeNull();
    expect(client.requests.filter((r) => r.type !== 'read.mark' && r.type !== 'history' && r.type !== 'inbox.list')).toEqual([]);
  });

  it('r and Enter open the thread of the selected message (a reply opens its root\'s thread) and leave selection mode', () => {
    const { client, store, press } = setup();
    press('s', K.altS);
    press('k');
    press('r');
    expect(selecting(store.getState())).toBe(false);
    expect(store.getState().thread).toMatchObject({ roomId: 'r-gen', rootId: 'm12' });
    expect(client.of('thread.history').map((r) => r.params)).toMatchObject([{ roomId: 'r-gen', threadId: 'm12' }]);
    press('', K.esc);
    expect(store.getState().thread).toBeNull();
    press('s', K.altS);
    press('', K.enter);
    expect(store.getState().thread).toMatchObject({ rootId: 'm13' });
  });

  it('d asks first, then deletes the selected message by id', () => {
    const { client, store, press } = setup();
    press('s', K.altS);
    press('k');
    press('d');
    expect(store.getState().overlay).toMatchObject({ kind: 'confirm', question: 'Delete "my words"? Its text is gone for everyone.', command: { params: { messageId: 'm12' } } });
    press('y');
    expect(client.of('message.delete').map((r) => r.params)).toEqual([{ messageId: 'm12' }]);
  });

  it('+ takes an emoji in the input line and toggles it on the selected message; y copies its text with OSC 52', () => {
    const { client, store, press, type, written } = setup();
    press('s', K.altS);
    press('k');
    press('y');
    expect(written).toEqual(['\x1b]52;c;' + Buffer.from('my words').toString('base64') + '\x07']);
    press('+');
    expect(store.getState().input.text).toBe('/react ');
    type(':tada:');
    press('', K.enter);
    expect(client.of('reaction.add').map((r) => r.params)).toEqual([{ messageId: 'm12', emoji: '🎉' }]);
    expect(store.getState().selection).toBeNull();
  });
});

describe('message commands without ids', () => {
  it('/react toggles on the last message: added when I have not reacted, removed when I have', () => {
    const { client, store, actions } = setup();
    actions.submit('/react :tada:');
    expect(client.of('reaction.add').map((r) => r.params)).toEqual([{ messageId: 'm13', emoji: '🎉' }]);
    store.dispatch({ type: 'event', event: reaction(20, 'reaction.added', ME, '🎉') });
    actions.submit('+:tada:');
    expect(client.of('reaction.remove').map((r) => r.params)).toEqual([{ messageId: 'm13', emoji: '🎉' }]);
    actions.submit('+🔥');
    expect(client.of('reaction.add').map((r) => r.params)[1]).toEqual({ messageId: 'm13', emoji: '🔥' });
    // Bad emoji are refused before anything is sent; `+1` alone is an ordinary message.
    actions.submit('/react two words');
    expect(client.of('reaction.add')).toHaveLength(2);
    actions.submit('+1');
    expect(client.of('message.send').map((r) => (r.params as { text: string }).text)).toEqual(['+1']);
  });

  it('/edit with text edits my last message; /delete alone asks about my last one', () => {
    const { client, store, actions } = setup();
    actions.submit('/edit better words');
    expect(client.of('message.edit').map((r) => r.params)).toEqual([{ messageId: 'm12', text: 'better words' }]);
    actions.submit('/edit');
    expect(store.getState().input.text).toBe('my words');
    expect(store.getState().editing?.messageId).toBe('m12');
    store.dispatch({ type: 'select/edit-end', clear: true });
    actions.submit('/delete');
    expect(store.getState().overlay).toMatchObject({ kind: 'confirm', command: { params: { messageId: 'm12' } } });
  });

  it('@room without mention_everyone is sent with a notice that it notifies nobody; with it, no notice', () => {
    const { client, store, actions } = setup();
    actions.submit('@room standup');
    expect(client.of('message.send').map((r) => (r.params as { text: string }).text)).toEqual(['@room standup']);
    expect(store.getState().flash?.text).toBe('@room needs the mention_everyone permission: sent, but nobody is notified by it');
    const owner = setup();
    owner.store.dispatch({ type: 'event', event: { type: 'user.updated', order: 30, id: 'e30', roomId: null, actorId: null, createdAt: 0, data: { user: { id: ME, nickname: 'me', color: null, roles: ['role-owner'] } } } });
    owner.actions.submit('@here standup');
    expect(owner.client.of('message.send')).toHaveLength(1);
    expect(owner.store.getState().flash).toBeNull();
  });

  it('Tab completes the shortcodes after /react', () => {
    const { store, press } = setup();
    store.dispatch({ type: 'input/set', text: '/react :ta' });
    press('', { ...none, tab: true });
    expect(store.getState().input.text).toBe('/react :tada: ');
  });

  it('recognise a reaction line only when it is + and one emoji or shortcode', () => {
    expect(reactionLine('+:tada:')).toBe(':tada:');
    expect(reactionLine('+🎉')).toBe('🎉');
    expect(reactionLine('+👍🏽')).toBe('👍🏽');
    expect(reactionLine('+1')).toBeNull();
    expect(reactionLine('+ :tada:')).toBeNull();
    expect(reactionLine('great +:tada:')).toBeNull();
    expect(osc52('hé')).toBe('\x1b]52;c;aMOp\x07');
  });
});

describe('reactions on screen', () => {
  const text = (s: ReturnType<typeof visiblePane>) => s.lines.map((l) => l.segments.map((x) => x.text).join('')).join('\n');

  it('show counts under the message, mine highlighted, and who reacted on the selected one', () => {
    let s = run([reaction(20, 'reaction.added', ALICE, '🎉'), reaction(21, 'reaction.added', ME, '🎉'), reaction(22, 'reaction.added', ALICE, '👍')].map((event) => ({ type: 'event' as const, event })), room());
    const pane = visiblePane(s);
    expect(text(pane)).toMatch(/message 13\n\s+🎉 2  👍 1$/);
    const row = pane.lines[pane.lines.length - 1]!;
    expect(row.segments.find((g) => g.text === '🎉 2')?.bold).toBe(true);
    expect(row.segments.find((g) => g.text === '👍 1')?.bold).toBeUndefined();
    s = reducer(s, { type: 'select/enter', start: 'last' });
    const selected = visiblePane(s);
    expect(text(selected)).toContain('🎉 alice, me · 👍 alice');
    expect(selected.lines.filter((l) => l.segments.every((g) => g.inverse)).length).toBeGreaterThanOrEqual(3);
  });

  it('draw @room and @here in bold, within the text as written', () => {
    const s = run([{ type: 'event', event: created(msg(20, { text: 'hey @room and me@here.org, see @here' })) }], room());
    const row = visiblePane(s).lines.find((l) => l.key === 'm20:0')!;
    expect(row.segments.map((g) => g.text).join('')).toContain('hey @room and me@here.org, see @here');
    expect(row.segments.filter((g) => g.bold && g.text.startsWith('@')).map((g) => g.text)).toEqual(['@room', '@here']);
  });

  it('wrap by display width on a narrow pane', () => {
    let s = run([{ type: 'resize', cols: 40, rows: 20 }], room());
    const emoji = ['🎉', '👍', '🔥', '🚀', '👀', '✅', '❤️', '😂'];
    s = run(emoji.map((e, i) => ({ type: 'event' as const, event: reaction(20 + i, 'reaction.added', ALICE, e) })), s);
    const rows = visiblePane(s).lines.filter((l) => l.key.startsWith('m13:r'));
    expect(rows.length).toBeGreaterThan(1);
  });

  it('a selected message far up is scrolled into view', () => {
    let s = room();
    s = run(Array.from({ length: 60 }, (_, i) => ({ type: 'event' as const, event: created(msg(30 + i)) })), s);
    s = reducer(s, { type: 'select/enter', start: 'own-last' });
    expect(selectedMessage(s)?.id).toBe('m12');
    expect(text(visiblePane(s))).toContain('my words');
  });
});

describe('keys that arrive together', () => {
  it('in selection mode each letter of one chunk is a key of its own (Alt+S, then `kk` read at once on a loaded machine)', () => {
    const { store, press } = setup();
    press('s', K.altS);
    expect(selectedMessage(store.getState())?.id).toBe('m13');
    press('kk');
    expect(selectedMessage(store.getState())?.id).toBe('m11');
    expect(store.getState().input.text).toBe('');
    // A chunk that leaves the mode types the rest: `x` leaves it and `yz`… is typed after it.
    press('xyz');
    expect(store.getState().selection).toBeNull();
    expect(store.getState().input.text).toBe('xyz');
  });
});
