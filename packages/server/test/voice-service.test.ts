import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '@open-discord/protocol';
import { createServices } from '../src/app.js';
import { SqliteStorage as Store } from '../src/adapters/sqlite/storage.js';
import type { StoredEvent } from '../src/ports/storage.js';
import { quiet, tempDir } from './helpers.js';

/** The voice feature's rules over a real SQLite file, no sockets (the relay is covered over sockets in test/voice-client). */
let dir: string;
let store: Store;
let s: Awaited<ReturnType<typeof createServices>>;
let published: StoredEvent[];
let ids = 0;

beforeEach(async () => {
  dir = tempDir();
  store = Store.open(dir);
  s = await createServices({
    storage: store,
    now: () => 1_700_000_000_000,
    newId: () => `id${++ids}`,
    log: quiet,
    snapshotThreshold: 10_000,
    auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
  });
  published = [];
  s.bus.subscribe((evs) => published.push(...evs));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const user = async (name: string) => (await s.auth.signup({ username: name, password: 'correct horse', nickname: name }, '127.0.0.1')).user.id;
const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof ProtocolError ? e.code : String(e)));
const types = () => published.map((e) => `${e.type}:${e.actorId}`);

describe('voice service', () => {
  it('joins only voice rooms one can see; slots are the smallest free; rejoining the same room only updates mute', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const { room: text } = await s.rooms.create(alice, { name: 'chat' });
    const { room: voice } = await s.rooms.create(alice, { name: 'lounge', kind: 'voice' });
    expect(voice.kind).toBe('voice');
    expect(await code(s.voice.join(alice, { roomId: text.id }))).toBe('BAD_REQUEST');
    expect(await code(s.voice.join(alice, { roomId: 'no-such-room' }))).toBe('NOT_FOUND');
    published = [];
    expect((await s.voice.join(alice, { roomId: voice.id })).slot).toBe(1);
    expect((await s.voice.join(bob, { roomId: voice.id })).slot).toBe(2);
    expect(await s.voice.leave(alice, 'left')).toBe(true);
    expect(await s.voice.leave(alice, 'left')).toBe(false);
    // Alice's slot 1 is free again: carol takes it.
    const c = await s.voice.join(carol, { roomId: voice.id, muted: true });
    expect(c.slot).toBe(1);
    expect(c.participants.map((p) => [p.userId, p.slot, p.muted])).toEqual([[bob, 2, false], [carol, 1, true]]);
    // The same room again: no second join, only the mute change.
    await s.voice.join(carol, { roomId: voice.id, muted: false });
    expect(types()).toEqual([`voice.joined:${alice}`, `voice.joined:${bob}`, `voice.left:${alice}`, `voice.joined:${carol}`, `voice.updated:${carol}`]);
  });

  it('joining another voice room leaves the first (moved); voice.set needs voice; leave in a named room only', async () => {
    const alice = await user('alice');
    const { room: a } = await s.rooms.create(alice, { name: 'one', kind: 'voice' });
    const { room: b } = await s.rooms.create(alice, { name: 'two', kind: 'voice' });
    expect(await code(s.voice.set(alice, { muted: true }))).toBe('BAD_REQUEST');
    await s.voice.join(alice, { roomId: a.id });
    published = [];
    await s.voice.join(alice, { roomId: b.id });
    const left = published.find((e) => e.type === 'voice.left')!;
    expect(left.roomId).toBe(a.id);
    expect(JSON.parse(left.dataJson as unknown as string).reason).toBe('moved');
    expect(await s.voice.leave(alice, 'closed', a.id)).toBe(false);
    expect((await store.voice.ofUser(alice))?.roomId).toBe(b.id);
    await s.voice.set(alice, { deafened: true });
    expect((await store.voice.ofUser(alice))?.deafened).toBe(true);
  });

  it('state lists participants of visible voice rooms only; losing sight of the room takes one out (access)', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    await s.roles.grant(null, { userId: alice, roleId: 'owner' });
    const { room } = await s.rooms.create(alice, { name: 'lounge', kind: 'voice' });
    await s.voice.join(alice, { roomId: room.id });
    await s.voice.join(bob, { roomId: room.id });
    expect((await s.state.state(bob)).voice?.map((p) => p.userId)).toEqual([alice, bob]);
    const { role } = await s.roles.create(alice, { name: 'crew' });
    await s.accessAdmin.restrictRoom(alice, room.id, [role.id]);
    expect((await s.state.state(bob)).voice).toBeUndefined();
    published = [];
    await s.voice.dropUnseen();
    expect(types()).toEqual([`voice.left:${bob}`]);
    expect((await s.state.state(alice)).voice?.map((p) => p.userId)).toEqual([alice]);
    // A restart clears whoever is left.
    expect(await s.voice.clearAll()).toBe(1);
    expect(await store.voice.all()).toEqual([]);
  });
});
