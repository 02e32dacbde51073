import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { attachClient } from '../src/controllers/index.js';
import { reducer } from '../src/state/reducer.js';
import { createStore } from '../src/state/store.js';
import { StatusLine, formatLag } from '../src/ui/StatusLine.js';
import { boot } from './fixtures.js';
import { FakeClient } from './fake-client.js';

afterEach(() => cleanup());

const flush = () => new Promise((r) => setImmediate(r));

function setup() {
  let t = 1_000;
  const client = new FakeClient();
  const store = createStore(reducer(boot(), { type: 'status', status: { state: 'connecting', attempt: 1 } }));
  const actions = attachClient(client, store, { onQuit: () => {}, now: () => t });
  return { client, store, actions, advance: (ms: number) => (t += ms) };
}

describe('lag', () => {
  it('going live probes at once with a one-message history read, and shows its round trip', async () => {
    const { client, store, advance } = setup();
    client.emit('status', { state: 'live' });
    const probes = client.of('history').filter((r) => (r.params as { limit?: number }).limit === 1);
    expect(probes).toHaveLength(1);
    expect(probes[0]!.params).toEqual({ roomId: 'r-gen', limit: 1 });
    advance(37);
    probes[0]!.resolve({ messages: [], end: true });
    await flush();
    expect(store.getState().lag).toEqual({ ms: 37, at: 1_037 });
  });

  it('one probe at a time; a failed probe shows nothing', async () => {
    const { client, store, actions } = setup();
    client.emit('status', { state: 'live' });
    actions.probeLag();
    actions.probeLag();
    const probes = () => client.of('history').filter((r) => (r.params as { limit?: number }).limit === 1);
    expect(probes()).toHaveLength(1);
    probes()[0]!.reject(new Error('gone'));
    await flush();
    expect(store.getState().lag).toBeNull();
    actions.probeLag();
    expect(probes()).toHaveLength(2);
  });

  it('a probe answered after a reconnect measured the outage, not the lag: dropped', async () => {
    const { client, store, advance } = setup();
    client.emit('status', { state: 'live' });
    const first = client.of('history').find((r) => (r.params as { limit?: number }).limit === 1)!;
    client.emit('status', { state: 'offline', retryAt: 0, reason: 'x' });
    advance(30_000);
    client.emit('status', { state: 'live' });
    first.resolve({ messages: [], end: true });
    await flush();
    expect(store.getState().lag).toBeNull();
  });

  it('is forgotten when the connection goes, and never probed while offline', async () => {
    const { client, store, actions, advance } = setup();
    client.emit('status', { state: 'live' });
    advance(12);
    client.of('history').find((r) => (r.params as { limit?: number }).limit === 1)!.resolve({ messages: [], end: true });
    await flush();
    expect(store.getState().lag?.ms).toBe(12);
    client.emit('status', { state: 'offline', retryAt: 0, reason: 'x' });
    expect(store.getState().lag).toBeNull();
    const before = client.requests.length;
    actions.probeLag();
    expect(client.requests.length).toBe(before);
    // A lag action that races the drop is ignored too.
    store.dispatch({ type: 'lag', ms: 5, at: 0 });
    expect(store.getState().lag).toBeNull();
  });

  it('is shown beside "live" only', () => {
    expect(formatLag(37.4)).toBe('37ms');
    expect(formatLag(1450)).toBe('1.4s');
    const line = (status: Parameters<typeof StatusLine>[0]['status']) =>
      render(<StatusLine status={status} now={0} room="general" topic="" nick="me" width={60} lag={37} />).lastFrame()!;
    expect(line({ state: 'live' })).toMatch(/^ live 37ms +#general/);
    expect(line({ state: 'authenticating' })).not.toContain('37ms');
  });
});
