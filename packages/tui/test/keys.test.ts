import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { helpScreen } from '../src/commands/help.js';
import { KEY_BINDINGS } from '../src/keys/bindings.js';
import { resolveInput, resolveKey } from '../src/keys/keymap.js';
import type { ChatActions } from '../src/controllers/index.js';
import { createStore } from '../src/state/store.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { boot } from './fixtures.js';

const none: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};
const k = (over: Partial<Key>): Key => ({ ...none, ...over });

describe('keymap', () => {
  it('maps the documented bindings', () => {
    expect(resolveKey('3', k({ meta: true }), 'chat')).toEqual({ kind: 'room-index', index: 2 });
    expect(resolveKey('n', k({ ctrl: true }), 'chat')).toEqual({ kind: 'room-step', delta: 1 });
    expect(resolveKey('p', k({ ctrl: true }), 'chat')).toEqual({ kind: 'room-step', delta: -1 });
    expect(resolveKey('a', k({ meta: true }), 'chat')).toEqual({ kind: 'next-activity' });
    expect(resolveKey('k', k({ ctrl: true }), 'chat')).toEqual({ kind: 'switcher' });
    expect(resolveKey('', k({ escape: true, meta: true }), 'chat')).toEqual({ kind: 'close' });
    expect(resolveKey('', k({ return: true, meta: true }), 'chat')).toEqual({ kind: 'newline' });
    expect(resolveKey('', k({ pageUp: true }), 'chat')).toEqual({ kind: 'scroll', pages: 1 });
    expect(resolveKey('c', k({ ctrl: true }), 'chat')).toEqual({ kind: 'quit' });
    expect(resolveInput('a\rb', none, 'chat')).toEqual([{ kind: 'paste', text: 'a\nb' }]);
    expect(resolveKey('x', none, 'chat')).toEqual({ kind: 'insert', text: 'x' });
  });
});

describe('keys that arrive together', () => {
  it('are split back into keys', () => {
    expect(resolveInput('/hel\t', none, 'chat')).toEqual([{ kind: 'insert', text: '/hel' }, { kind: 'complete' }]);
    expect(resolveInput('hi\r', none, 'chat')).toEqual([{ kind: 'insert', text: 'hi' }, { kind: 'submit' }]);
    expect(resolveInput('ab\x7fc\x0e', none, 'chat')).toEqual([
      { kind: 'insert', text: 'ab' },
      { kind: 'backspace' },
      { kind: 'insert', text: 'c' },
      { kind: 'room-step', delta: 1 },
    ]);
  });
});

describe('intents on the chat screen', () => {
  const setup = () => {
    const store = createStore(boot());
    const submitted: string[] = [];
    const confirmed: string[] = [];
    // Like the real glue: a submitted line leaves the input line.
    const actions: ChatActions = {
      submit: (l) => {
        submitted.push(l);
        store.dispatch({ type: 'input/submitted', text: l });
      },
      retry: () => {},
      probeLag: () => {},
      runConfirmed: (c) => confirmed.push(c.spec.request),
      touch: () => {},
      members: () => {},
      stop: () => {},
      reconnect: () => {},
      jumpToHit: () => {},
      moreHits: () => {},
    };
    const quits: number[] = [];
    const go = (input: string, key: Partial<Key> = {}) => {
      for (const intent of resolveInput(input, k(key), store.getState().overlay?.kind ?? 'chat')) {
        handleIntent(intent, store, actions, () => quits.push(1));
      }
    };
    return { store, submitted, confirmed, quits, go };
  };

  it('a line and Enter arriving together is sent; several lines ask first', () => {
    const { store, submitted, go } = setup();
    go('hello\r');
    expect(submitted).toEqual(['hello']);
    go('one\rtwo\r');
    expect(store.getState().overlay).toMatchObject({ kind: 'paste', text: 'one\ntwo' });
    go('', { escape: true });
    expect(store.getState().input.text).toBe('one\ntwo');
    go('', { return: true });
    expect(submitted).toEqual(['hello', 'one\ntwo']);
  });

  it('a paste that arrives in several chunks is sent whole', () => {
    const { store, submitted, go } = setup();
    go('say: [');
    go('', { leftArrow: true });
    go('line one\rline two\r');
    go('line three\rline ');
    go('four');
    go('\rline five\r');
    expect(store.getState().overlay).toMatchObject({ kind: 'paste', text: 'say: line one\nline two\nline three\nline four\nline five[' });
    go('', { return: true });
    expect(submitted).toEqual(['say: line one\nline two\nline three\nline four\nline five[']);
  });

  it('Ctrl+K filters rooms and Enter switches', () => {
    const { store, go } = setup();
    go('k', { ctrl: true });
    go('o');
    go('p');
    go('', { return: true });
    expect(store.getState().currentRoomId).toBe('r-ops');
    expect(store.getState().overlay).toBeNull();
  });

  it('Tab completes, Ctrl+C quits', () => {
    const { store, quits, go } = setup();
    go('/jo');
    go('', { tab: true });
    expect(store.getState().input.text).toBe('/join ');
    // Issue 8 item 19: a draft ("/join ") would be lost, so the first Ctrl+C asks; a second one means it.
    go('c', { ctrl: true });
    expect(store.getState().overlay?.kind).toBe('quit-confirm');
    expect(quits).toHaveLength(0);
    go('c', { ctrl: true });
    expect(quits).toHaveLength(1);
  });

  it('Ctrl+C quits at once with nothing typed; with a draft, n goes back and y quits', () => {
    const { store, quits, go } = setup();
    go('c', { ctrl: true });
    expect(quits).toHaveLength(1);
    go('half a thought');
    go('c', { ctrl: true });
    go('n');
    expect(store.getState().overlay).toBeNull();
    expect(store.getState().input.text).toBe('half a thought');
    go('c', { ctrl: true });
    go('y');
    expect(quits).toHaveLength(2);
  });

  it('Alt+J and two digits go to rooms past 9', () => {
    const { store, go } = setup();
    go('j', { meta: true });
    expect(store.getState().overlay).toEqual({ kind: 'room-jump', digits: '' });
    go('0');
    go('2');
    expect(store.getState().overlay).toBeNull();
    expect(store.getState().currentRoomId).toBe('r-dev');
    go('j', { meta: true });
    go('3');
    go('', { return: true });
    expect(store.getState().currentRoomId).toBe('r-ops');
  });
});

describe('the binding table', () => {
  it('every binding is on the help screen and its key dispatches', () => {
    const help = helpScreen().join('\n');
    for (const b of KEY_BINDINGS) {
      expect(help, b.keys).toContain(`${b.keys}`);
      expect(help, b.keys).toContain(b.help);
      const key = k(b.example.key ?? {});
      const intent = resolveKey(b.example.input, key, 'chat');
      // The example really belongs to this row (no earlier row takes it) and means something in the chat.
      expect(KEY_BINDINGS.find((x) => x.when(b.example.input, key)), b.keys).toBe(b);
      expect(intent, b.keys).toEqual(b.intent(b.example.input, key, 'chat'));
      expect(intent, b.keys).not.toBeNull();
      // Handling the intent does something: an action reaches the store, the network actions or quit.
      const store = createStore(boot());
      // Text that Tab can complete, so completion has something to do.
      store.dispatch({ type: 'input/set', text: '/jo' });
      const effects: string[] = [];
      const recording = { ...store, dispatch: (a: Parameters<typeof store.dispatch>[0]) => (effects.push(a.type), store.dispatch(a)) };
      const actions: ChatActions = { submit: () => effects.push('submit'), retry: () => effects.push('retry'), probeLag: () => {}, runConfirmed: () => effects.push('run'), reconnect: () => effects.push('reconnect'), touch: () => {}, members: () => effects.push('members'), stop: () => {}, jumpToHit: () => effects.push('jump'), moreHits: () => effects.push('more') };
      handleIntent(intent!, recording, actions, () => effects.push('quit'));
      expect(effects, b.keys).not.toEqual([]);
    }
  });
});
