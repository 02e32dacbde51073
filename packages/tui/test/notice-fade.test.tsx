import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatActions } from '../src/controllers/index.js';
import { NOTICE_TTL_MS } from '../src/state/notices/notices.js';
import { createStore } from '../src/state/store.js';
import { ChatApp } from '../src/ui/ChatApp.js';
import { boot } from './fixtures.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const actions: ChatActions = { submit: () => {}, retry: () => {}, probeLag: () => {}, runConfirmed: () => {}, reconnect: () => {}, touch: () => {}, members: () => {}, stop: () => {}, jumpToHit: () => {}, moreHits: () => {} };

describe('the chat screen lets a notice fade', () => {
  it('sends the expiry for the notice on screen after its time (timers faked: no waiting)', async () => {
    vi.useFakeTimers();
    const store = createStore(boot());
    render(<ChatApp store={store} actions={actions} onQuit={() => {}} now={() => 0} />);
    store.dispatch({ type: 'flash', kind: 'info', text: '/nick: you are now known as bobby' });
    await vi.advanceTimersByTimeAsync(NOTICE_TTL_MS.info - 100);
    expect(store.getState().flash?.text).toBe('/nick: you are now known as bobby');
    await vi.advanceTimersByTimeAsync(200);
    expect(store.getState().flash).toBeNull();
  });
});
