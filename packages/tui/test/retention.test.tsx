import { render } from 'ink-testing-library';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent, Room } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { currentView } from '../src/state/messages/selectors.js';
import { reducer } from '../src/state/reducer.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { FakeClient } from './fake-client.js';
import { boot, created, msg, snapshot } from './fixtures.js';

afterEach(() => cleanup());

const GENERAL: Room = { id: 'r-gen', name: 'general', topic: 'chat about anything', kind: 'text', categoryId: null, position: 0, restrictedTo: null };

/** The room.updated a retention sweep writes: the room with its new horizon. */
function expired(order: number, through: number, extra: Partial<Room> = {}): ClientEvent {
  const room = { ...GENERAL, expiredThrough: through, ...extra };
  return { type: 'room.updated', order, id: `e${order}`, roomId: GENERAL.id, actorId: null, createdAt: 0, data: { room } } as ClientEvent;
}

describe('retention in od', () => {
  it('a new horizon drops the expired messages, ends history there and says why at the top of the room', () => {
    let s = boot();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(1, { text: 'ancient words' }), msg(2, { text: 'old words' })], end: false });
    s = reducer(s, { type: 'event', event: created(msg(11, { text: 'fresh words' })) });
    expect(currentView(s)!.end).toBe(false);

    s = reducer(s, { type: 'event', event: expired(12, 2) });
    const view = currentView(s)!;
    expect(view.messages.map((m) => m.text)).toEqual(['fresh words']);
    // Nothing older to load: no "loading older messages…" forever.
    expect(view.end).toBe(true);
    expect(view.expired).toBe(true);
    const f = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(f).toContain("Older messages expired by this room's retention policy.");
    expect(f).not.toContain('This is the start of #general.');
    expect(f).not.toContain('ancient words');
    expect(f).toContain('fresh words');
    expect(f.indexOf('Older messages expired')).toBeLessThan(f.indexOf('fresh words'));
  });

  it('a room whose history simply began says so, and a policy change alone drops nothing', () => {
    let s = boot();
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(1, { text: 'first words' })], end: true });
    s = reducer(s, { type: 'event', event: { ...expired(12, 0), data: { room: { ...GENERAL, retentionSec: 604_800 } } } as ClientEvent });
    expect(currentView(s)!.messages.map((m) => m.text)).toEqual(['first words']);
    expect(currentView(s)!.expired).toBe(false);
    const f = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(f).toContain('This is the start of #general.');
    expect(f).not.toContain('expired');
  });

  it('a room the snapshot shows with a horizon says so once history ends there', () => {
    let s = boot({ rooms: [{ ...GENERAL, expiredThrough: 40 }] });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(41, { text: 'what is left' })], end: true });
    const f = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    expect(f).toContain("Older messages expired by this room's retention policy.");
    expect(f).toContain('what is left');
  });

  it('/room retention takes a duration, off or default, and asks before it deletes', async () => {
    const client = new FakeClient();
    const store = createStore(boot());
    const actions = attachClient(client, store, { onQuit: () => {} });
    client.emit('snapshot', snapshot(), 'initial');
    actions.submit('/room retention #general 7d');
    const overlay = store.getState().overlay;
    expect(overlay).toMatchObject({ kind: 'confirm', question: 'Keep messages in #general for 1w? Older ones are deleted for good.' });
    expect(client.of('room.retention')).toEqual([]);
    actions.runConfirmed((overlay as { command: Parameters<typeof actions.runConfirmed>[0] }).command);
    actions.submit('/room retention #general off');
    actions.runConfirmed((store.getState().overlay as { command: Parameters<typeof actions.runConfirmed>[0] }).command);
    actions.submit('/room retention #general default');
    actions.runConfirmed((store.getState().overlay as { command: Parameters<typeof actions.runConfirmed>[0] }).command);
    expect(client.of('room.retention').map((r) => r.params)).toEqual([
      { roomId: 'r-gen', seconds: 604_800 },
      { roomId: 'r-gen', seconds: 0 },
      { roomId: 'r-gen', seconds: null },
    ]);
    client.of('room.retention')[0]!.resolve({ room: { ...GENERAL, retentionSec: 604_800 } });
    await new Promise((r) => setImmediate(r));
    expect(store.getState().flash?.text).toBe('/room retention: #general keeps messages for 1w; older ones are deleted');
  });
});
