import { describe, expect, it } from 'vitest';
import { attachClient } from '../src/controllers/index.js';
import { layoutOf } from '../src/state/layout.js';
import { shownNotice } from '../src/state/notices/notices.js';
import { reducer } from '../src/state/reducer.js';
import { createStore } from '../src/state/store.js';
import { explainIssues, explainText } from '../src/text/plain-words.js';
import { ProtocolError, REQUESTS } from '@open-discord/protocol';
import { describeError } from '../src/controllers/describe-error.js';
import { boot } from './fixtures.js';
import { FakeClient } from './fake-client.js';

const settle = () => new Promise((r) => setImmediate(r));

describe('notices belong to their room and fade', () => {
  it('a notice said in one room is not shown in another, and is back when you return', () => {
    let s = reducer(boot(), { type: 'flash', kind: 'error', text: 'no room "#staff"' });
    expect(shownNotice(s)?.text).toBe('no room "#staff"');
    s = reducer(s, { type: 'room/select', roomId: 'r-dev' });
    expect(shownNotice(s)).toBeNull();
    // The pane gets the row back: nothing is drawn for it.
    expect(layoutOf(s).flashHeight).toBe(0);
    s = reducer(s, { type: 'room/select', roomId: 'r-gen' });
    expect(shownNotice(s)?.text).toBe('no room "#staff"');
  });

  it('fades by its id: an expiry for an older notice leaves the newer one', () => {
    let s = reducer(boot(), { type: 'flash', kind: 'info', text: 'first' });
    const first = s.flash!.id;
    s = reducer(s, { type: 'flash', kind: 'info', text: 'second' });
    s = reducer(s, { type: 'flash/expire', id: first });
    expect(shownNotice(s)?.text).toBe('second');
    s = reducer(s, { type: 'flash/expire', id: s.flash!.id });
    expect(s.flash).toBeNull();
  });

  it("a command's reply is told in the room it was typed in, even after moving on", async () => {
    const client = new FakeClient();
    const store = createStore(boot());
    const actions = attachClient(client, store, { onQuit: () => {} });
    actions.submit('/topic coffee');
    store.dispatch({ type: 'room/select', roomId: 'r-dev' });
    client.of('room.update')[0]!.resolve({ room: {} });
    await settle();
    expect(shownNotice(store.getState())).toBeNull();
    store.dispatch({ type: 'room/select', roomId: 'r-gen' });
    expect(shownNotice(store.getState())?.text).toBe('/topic: topic of #general set');
  });

  it('success is said the same way for every command: /nick like /create', async () => {
    const client = new FakeClient();
    const store = createStore(boot());
    const actions = attachClient(client, store, { onQuit: () => {} });
    actions.submit('/nick bobby');
    client.of('nick.set')[0]!.resolve({ user: {} });
    await settle();
    expect(store.getState().flash).toMatchObject({ kind: 'info', text: '/nick: you are now known as bobby' });
    actions.submit('/create lounge');
    client.of('room.create')[0]!.resolve({ room: { id: 'r-new' } });
    await settle();
    expect(store.getState().flash).toMatchObject({ kind: 'info', text: '/create: created #lounge' });
  });
});

describe('validation in words', () => {
  it('client-side checks', () => {
    const r = REQUESTS['nick.set'].params.safeParse({ nickname: 'x' });
    expect(explainIssues(r.error!.issues, 'nick.set')).toBe('nicknames are 2 to 32 characters');
    const room = REQUESTS['room.create'].params.safeParse({ name: 'x'.repeat(70) });
    expect(explainIssues(room.error!.issues, 'room.create')).toBe('room names cannot be empty and are at most 64 characters');
  });

  it('the same text back from the server or the protocol client', () => {
    expect(explainText('nickname: Too small: expected string to have >=2 characters')).toBe('nicknames are 2 to 32 characters');
    expect(explainText('nick.set: nickname: Too big: expected string to have <=32 characters')).toBe('nicknames are 2 to 32 characters');
    expect(explainText('password: Too small: expected string to have >=8 characters')).toBe('passwords are at least 8 characters');
    expect(explainText('room.restrict: roleIds: Too small: expected array to have >=1 items')).toBe('name at least one role');
    // Text that is already words is kept.
    expect(explainText('you cannot remove yourself')).toBe('you cannot remove yourself');
    expect(describeError(new ProtocolError('BAD_REQUEST', 'nickname: Too small: expected string to have >=2 characters'))).toBe(
      'nicknames are 2 to 32 characters',
    );
  });

  it('a command that fails the check says it in words', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    attachClient(client, store, { onQuit: () => {} }).submit('/nick x');
    expect(store.getState().flash).toMatchObject({ kind: 'error', text: '/nick: nicknames are 2 to 32 characters' });
    expect(client.of('nick.set')).toEqual([]);
  });
});
