import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent } from '@open-discord/protocol';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { reducer } from '../src/state/reducer.js';
import { createStore } from '../src/state/store.js';
import { levelMeter, voiceRows, voiceStatus } from '../src/state/voice/selectors.js';
import { chooseTools, MISSING_TOOLS } from '../src/voice/audio-tools.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { ALICE, BOB, ME, boot, snapshot } from './fixtures.js';
import { FakeClient } from './fake-client.js';

afterEach(() => cleanup());

const voiceRoom = { id: 'r-voice', name: 'lounge', topic: '', kind: 'voice' as const, categoryId: null, position: 1, restrictedTo: null };
const withVoice = () =>
  boot({
    rooms: [...snapshot().rooms, voiceRoom],
    joined: ['r-gen', 'r-dev', 'r-ops', 'r-voice'],
    voice: [
      { roomId: 'r-voice', userId: ALICE, slot: 1, muted: false, deafened: false },
      { roomId: 'r-voice', userId: BOB, slot: 2, muted: true, deafened: false },
    ],
  });
const ev = (type: string, order: number, data: Record<string, unknown>) =>
  ({ type, order, id: `e${order}`, roomId: 'r-voice', actorId: data.userId, createdAt: 0, data }) as unknown as ClientEvent;

describe('voice state', () => {
  it('lists who is in a voice room with speaking, muted and deafened markers, following the events', () => {
    let s = withVoice();
    expect(voiceRows(s, 'r-voice').map((r) => [r.nick, r.speaking, r.muted])).toEqual([
      ['alice', false, false],
      ['bob', false, true],
    ]);
    s = reducer(s, { type: 'voice/speaking', roomId: 'r-voice', userId: ALICE, speaking: true });
    expect(voiceRows(s, 'r-voice')[0]!.speaking).toBe(true);
    s = reducer(s, { type: 'event', event: ev('voice.joined', 11, { roomId: 'r-voice', userId: ME, slot: 3, muted: false, deafened: true }) });
    expect(voiceRows(s, 'r-voice').map((r) => r.nick)).toEqual(['alice', 'bob', 'me']);
    // Leaving takes the speaking marker with it.
    s = reducer(s, { type: 'event', event: ev('voice.left', 12, { roomId: 'r-voice', userId: ALICE, reason: 'closed' }) });
    expect(voiceRows(s, 'r-voice').map((r) => r.nick)).toEqual(['bob', 'me']);
    expect(s.voice.speaking['r-voice']?.[ALICE]).toBeUndefined();
  });

  it('the status line shows the room, mic state and level, push-to-talk and deafen', () => {
    let s = withVoice();
    expect(voiceStatus(s)).toBeNull();
    s = reducer(s, { type: 'voice/joining', roomId: 'r-voice' });
    expect(voiceStatus(s)).toBe('voice #lounge · joining…');
    s = reducer(s, { type: 'voice/joined', roomId: 'r-voice' });
    s = reducer(s, { type: 'voice/level', levelDb: -30, transmitting: true });
    expect(voiceStatus(s)).toBe(`voice #lounge · open mic ${levelMeter(-30)} · sending`);
    expect(levelMeter(-30)).toBe('▮▮▮▮▮▯▯▯▯▯');
    s = reducer(s, { type: 'voice/mode', mode: 'ptt' });
    s = reducer(s, { type: 'voice/level', levelDb: -100, transmitting: false });
    expect(voiceStatus(s)).toBe(`voice #lounge · PTT off (Alt+V) ${levelMeter(-100)}`);
    s = reducer(s, { type: 'voice/ptt', on: true });
    s = reducer(s, { type: 'voice/deafened', deafened: true });
    expect(voiceStatus(s)).toContain('PTT on');
    expect(voiceStatus(s)).toContain('deafened');
    s = reducer(s, { type: 'voice/muted', muted: true });
    expect(voiceStatus(s)).toBe('voice #lounge · muted · deafened');
    s = reducer(s, { type: 'voice/ended' });
    expect(voiceStatus(s)).toBeNull();
  });
});

describe('voice on screen', () => {
  it('the room list shows a voice room with its participants under it and who is speaking', () => {
    let s = reducer(withVoice(), { type: 'voice/speaking', roomId: 'r-voice', userId: ALICE, speaking: true });
    s = reducer(s, { type: 'voice/joined', roomId: 'r-voice' });
    const frame = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    const lines = frame.split('\n');
    const at = lines.findIndex((l) => l.includes('#lounge'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toContain('◉ alice');
    expect(lines[at + 2]).toContain('× bob');
    expect(frame).toContain('voice #lounge · open mic');
  });
});

describe('voice commands and keys', () => {
  it('names the package to install when no audio tool is on PATH', () => {
    expect(chooseTools({ env: { PATH: '/nonexistent' } })).toEqual({ missing: MISSING_TOOLS });
    expect(MISSING_TOOLS).toContain('apt install sox');
    expect(chooseTools({ env: { PATH: '/nonexistent' }, captureFile: 'in.wav', playbackFile: 'out.raw' })).toEqual({ capture: 'file', playback: 'file' });
  });

  it('/join-voice without audio tools says what to install and sends nothing', async () => {
    const client = new FakeClient() as FakeClient & { voiceJoin: (roomId: string) => Promise<unknown> };
    const joins: string[] = [];
    client.voiceJoin = async (roomId) => joins.push(roomId);
    const store = createStore(withVoice());
    const actions = attachClient(client, store, { onQuit: () => {}, audio: { env: { PATH: '/nonexistent' } } });
    store.dispatch({ type: 'room/select', roomId: 'r-voice' });
    actions.submit('/join-voice');
    await new Promise((r) => setImmediate(r));
    expect(store.getState().flash?.text).toBe(MISSING_TOOLS);
    expect(joins).toEqual([]);
    // A text room is not joined for voice.
    actions.submit('/join-voice #general');
    expect(store.getState().flash?.text).toBe('#general is not a voice room');
  });

  it('Alt+V needs a voice room; in one it turns push-to-talk on and off; bare /mute mutes the mic there', () => {
    const client = new FakeClient() as FakeClient & { voiceSet: (s: object) => Promise<unknown> };
    const sets: object[] = [];
    client.voiceSet = async (x) => sets.push(x);
    const store = createStore(withVoice());
    const actions = attachClient(client, store, { onQuit: () => {}, audio: null });
    handleIntent({ kind: 'ptt' }, store, actions, () => {});
    expect(store.getState().flash?.text).toMatch(/join a voice room first/);
    store.dispatch({ type: 'voice/joined', roomId: 'r-voice' });
    handleIntent({ kind: 'ptt' }, store, actions, () => {});
    expect(store.getState().voice).toMatchObject({ mode: 'ptt', ptt: true });
    handleIntent({ kind: 'ptt' }, store, actions, () => {});
    expect(store.getState().voice.ptt).toBe(false);
    actions.submit('/mute');
    expect(store.getState().voice.muted).toBe(true);
    expect(sets).toEqual([{ muted: true }]);
    // No room-settings request went out: the room was not muted.
    expect(client.requests.filter((r) => r.type === 'room.settings')).toEqual([]);
    actions.submit('/volume @alice 50');
    expect(store.getState().voice.volumes[ALICE]).toBe(50);
    actions.submit('/volume @alice 500');
    expect(store.getState().flash?.text).toMatch(/0 to 200/);
  });
});

describe('voice across a reconnect', () => {
  it('a dropped connection in voice joins the same room again once live; leaving first does not', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-voice-tui-'));
    try {
      fs.writeFileSync(path.join(dir, 'mic.raw'), Buffer.alloc(1920 * 5));
      const joins: string[] = [];
      const client = new FakeClient() as FakeClient & { voiceJoin: (roomId: string) => Promise<unknown>; voiceLeave: () => Promise<void> };
      client.voiceJoin = async (roomId) => joins.push(roomId);
      client.voiceLeave = async () => {};
      const store = createStore(withVoice());
      const actions = attachClient(client, store, { onQuit: () => {}, audio: { captureFile: path.join(dir, 'mic.raw'), playbackFile: path.join(dir, 'out.raw'), env: { PATH: '' } } });
      actions.submit('/join-voice #lounge');
      await until(() => store.getState().voice.roomId === 'r-voice');
      client.emit('voiceEnded', 'closed');
      expect(store.getState().voice.roomId).toBeNull();
      client.emit('status', { state: 'live' });
      await until(() => store.getState().voice.roomId === 'r-voice');
      expect(joins).toEqual(['r-voice', 'r-voice']);
      actions.submit('/leave-voice');
      client.emit('voiceEnded', 'left');
      client.emit('status', { state: 'live' });
      await new Promise((r) => setTimeout(r, 50));
      expect(joins).toHaveLength(2);
      actions.stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
