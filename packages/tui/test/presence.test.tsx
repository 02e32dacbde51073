import { describe, expect, it } from 'vitest';
import { attachClient } from '../src/controllers/index.js';
import type { Timers } from '../src/controllers/presence.js';
import { memberPaneRows } from '../src/state/members/member-pane-rows.js';
import type { Line } from '../src/wrap/lines.js';

const text = (l: Line) => l.segments.map((s) => s.text).join('');
const rowsOf = (world: Parameters<typeof memberPaneRows>[0], ids: string[]) => memberPaneRows(world, { roomId: 'r-gen', userIds: ids, error: null, scroll: 0 }, 40, 20).map(text);
import { createStore } from '../src/state/store.js';
import { FakeClient } from './fake-client.js';
import { ALICE, boot, snapshot } from './fixtures.js';

/** Timers run by hand: the idle check never waits for a real clock. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 1;
  const timers: Timers = {
    set: (fn) => {
      pending.set(next, fn);
      return next++;
    },
    clear: (h) => void pending.delete(h as number),
  };
  return { timers, fire: () => [...pending.entries()].forEach(([id, fn]) => (pending.delete(id), fn())), count: () => pending.size };
}

describe('presence in od', () => {
  it('presence frames and presence.all fold into the world; the member list sorts and marks them', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    attachClient(client, store, { onQuit: () => {}, timers: manualTimers().timers });
    client.emit('snapshot', snapshot(), 'initial');
    const world = () => store.getState().world!;
    const ids = Object.keys(world().users);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const [a, b] = ids as [string, string];
    client.emit('presenceAll', { type: 'presence.all', users: [{ userId: a, status: 'away' }] });
    expect(world().users[a]).toMatchObject({ online: true, presence: 'away' });
    expect(world().users[b]).toMatchObject({ online: false, presence: 'offline' });
    client.emit('presence', { type: 'presence', userId: b, online: true, status: 'online' });
    expect(world().users[b]!.presence).toBe('online');
    const lines = rowsOf(world(), [a, b]);
    // Online before away, whatever the names, each group under its heading and count.
    expect(lines).toEqual(['Online — 1', `● ${world().users[b]!.nickname}`, 'Away — 1', `◐ ${world().users[a]!.nickname}`]);
  });

  it('a profile change keeps the presence it does not carry, and shows the status text', () => {
    const id = ALICE;
    const client = new FakeClient();
    const store = createStore(boot());
    attachClient(client, store, { onQuit: () => {}, timers: manualTimers().timers });
    client.emit('snapshot', snapshot(), 'initial');
    client.emit('presence', { type: 'presence', userId: id, online: true, status: 'away' });
    const user = store.getState().world!.users[id]!;
    client.emit('event', { type: 'user.updated', order: 99, roomId: null, actorId: id, createdAt: 1, id: 'e99', data: { user: { id, nickname: user.nickname, color: null, roles: [], statusText: 'lunch' } } } as never);
    expect(store.getState().world!.users[id]).toMatchObject({ presence: 'away', online: true, statusText: 'lunch' });
    expect(rowsOf(store.getState().world!, [id])).toEqual(['Away — 1', `◐ ${user.nickname}`, '  lunch']);
  });

  it('tells the server when the person goes idle and comes back, once each', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    const t = manualTimers();
    const actions = attachClient(client, store, { onQuit: () => {}, timers: t.timers, idleAfterMs: 1000 });
    actions.touch();
    expect(client.idle).toEqual([]);
    t.fire();
    expect(client.idle).toEqual([true]);
    actions.touch();
    actions.touch();
    expect(client.idle).toEqual([true, false]);
    actions.stop();
    expect(t.count()).toBe(0);
  });

  it('/away, /back, /invisible and /status send their requests; Alt+M asks for the members', async () => {
    const client = new FakeClient();
    const store = createStore(boot());
    const actions = attachClient(client, store, { onQuit: () => {}, timers: manualTimers().timers });
    client.emit('snapshot', snapshot(), 'initial');
    actions.submit('/away');
    actions.submit('/invisible');
    actions.submit('/back');
    expect(client.of('presence.set').map((r) => r.params)).toEqual([{ mode: 'away' }, { mode: 'invisible' }, { mode: 'auto' }]);
    actions.submit('/status out for lunch');
    actions.submit('/status');
    expect(client.of('status.set').map((r) => r.params)).toEqual([{ text: 'out for lunch' }, { text: null }]);
    client.of('presence.set')[0]!.resolve({ mode: 'away' });
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().flash?.text).toMatch(/shown away/);
    expect(store.getState().currentRoomId).not.toBeNull();
    actions.members();
    const req = client.of('room.members')[0]!;
    expect(req.params).toEqual({ roomId: store.getState().currentRoomId });
    req.resolve({ userIds: Object.keys(store.getState().world!.users) });
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().members).toMatchObject({ roomId: store.getState().currentRoomId, error: null });
    expect(store.getState().members!.userIds).toHaveLength(Object.keys(store.getState().world!.users).length);
    // Alt+M again closes it.
    actions.members();
    expect(store.getState().members).toBeNull();
  });
});

describe('a send refused for going too fast', () => {
  it('says slow down and sends again by itself, with the same nonce, once the wait is over', async () => {
    const { ProtocolError } = await import('@open-discord/protocol');
    const client = new FakeClient();
    const store = createStore(boot());
    const t = manualTimers();
    let n = 0;
    const actions = attachClient(client, store, { onQuit: () => {}, timers: t.timers, nonce: () => `n${++n}` });
    client.emit('snapshot', snapshot(), 'initial');
    actions.submit('hello');
    const first = client.of('message.send')[0]!;
    first.reject(new ProtocolError('RATE_LIMITED', 'slowmode: one message every 10 s in this room', 2500));
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().flash?.text).toBe('slow down — sending again in 3 s');
    const roomId = store.getState().currentRoomId!;
    expect(store.getState().views[roomId]!.pending.map((p) => p.status)).not.toContain('failed');
    expect(client.of('message.send')).toHaveLength(1);
    t.fire();
    const again = client.of('message.send');
    expect(again).toHaveLength(2);
    expect(again[1]!.params).toEqual(first.params);
    // A refusal that is not about speed fails the send as before.
    again[1]!.reject(new ProtocolError('FORBIDDEN', 'no'));
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().views[roomId]!.pending.map((p) => p.status)).toContain('failed');
  });

  it('/room slowmode takes a duration or off', () => {
    const client = new FakeClient();
    const store = createStore(boot());
    const actions = attachClient(client, store, { onQuit: () => {}, timers: manualTimers().timers });
    client.emit('snapshot', snapshot(), 'initial');
    actions.submit('/room slowmode #general 10s');
    actions.submit('/room slowmode #general off');
    expect(client.of('room.slowmode').map((r) => r.params)).toEqual([{ roomId: 'r-gen', seconds: 10 }, { roomId: 'r-gen', seconds: 0 }]);
  });
});
