import { describe, expect, it } from 'vitest';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { resolveKey } from '../src/keys/keymap.js';
import { visiblePane } from '../src/state/messages/selectors.js';
import { createStore } from '../src/state/store.js';
import type { Key } from 'ink';
import { boot } from './fixtures.js';
import { FakeClient } from './fake-client.js';

const text = (s: ReturnType<typeof visiblePane>) => s.lines.map((l) => l.segments.map((x) => x.text).join('')).join('\n');

describe('a message typed while offline (issue 8, item 11)', () => {
  it('is sent queued, shows as queued while offline, and as pending once live again', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    const actions = attachClient(client, store, { onQuit: () => {}, nonce: () => 'n1', now: () => 0 });
    client.emit('status', { state: 'offline', retryAt: 5_000, reason: 'server restarting' });
    actions.submit('written while offline');
    const [req] = client.of('message.send');
    expect(req).toMatchObject({ params: { nonce: 'n1', text: 'written while offline' }, queued: true });
    expect(text(visiblePane(store.getState()))).toContain('written while offline (queued: sent when back online)');
    client.emit('status', { state: 'live' });
    const shown = text(visiblePane(store.getState()));
    expect(shown).toContain('written while offline …');
    expect(shown).not.toContain('queued');
  });

  it('Alt+R reconnects at once while offline, and only then', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    const actions = attachClient(client, store, { onQuit: () => {} });
    const altR = resolveKey('r', { meta: true } as Key, 'chat')!;
    handleIntent(altR, store, actions, () => {});
    expect(client.retries).toBe(0);
    expect(store.getState().flash?.text).toBe('already connected');
    client.emit('status', { state: 'offline', retryAt: 5_000, reason: 'x' });
    handleIntent(altR, store, actions, () => {});
    expect(client.retries).toBe(1);
  });
});
