import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawClient, signup, testScope, until } from './helpers.js';

const { cleanups, setup } = testScope();

/** Two well-behaved users chatting, to show the server keeps serving while others misbehave. */
async function bystanders(url: string) {
  const alice = await signup(url, 'alice');
  const bob = await signup(url, 'bob');
  const a = await RawClient.connect(url, alice.accessToken);
  const b = await RawClient.connect(url, bob.accessToken);
  cleanups.push(() => a.close(), () => b.close());
  const { room } = await a.call('room.create', { name: 'lobby' });
  await b.call('room.join', { roomId: room.id });
  let n = 0;
  const chat = async () => {
    const text = `still here ${n++}`;
    await a.call('message.send', { roomId: room.id, text, nonce: text });
    await b.waitFrame((f) => f.type === 'event' && f.event.data.message?.text === text, text);
  };
  return { chat, token: (await signup(url, 'mallory')).accessToken };
}

describe('hostile input', () => {
  it('every malformed frame gets a clean error reply and the connection stays usable', async () => {
    const server = await setup();
    const { chat, token } = await bystanders(server.url);
    const m = await RawClient.connect(server.url, token);
    cleanups.push(() => m.close());
    const bad: Array<[string | Buffer, string | null]> = [
      ['{not json', null],
      ['[1,2,3]', null],
      ['"just a string"', null],
      ['null', null],
      [JSON.stringify({ id: 'a1', type: 'no.such.type' }), 'a1'],
      [JSON.stringify({ id: 'a2', type: 'message.send', roomId: 5, text: [], nonce: null }), 'a2'],
      [JSON.stringify({ id: 'a3', type: 'message.send', roomId: 'x', text: 'y'.repeat(5000), nonce: 'n' }), 'a3'],
      [JSON.stringify({ id: 'a4', type: 'history', roomId: 'does-not-exist' }), 'a4'],
      [JSON.stringify({ id: 'a5', type: 'sync', after: -1 }), 'a5'],
      [JSON.stringify({ id: 'a6', type: 'role.grant', userId: 'u', roleId: 'r' }), 'a6'],
      [JSON.stringify({ id: 'x'.repeat(100), type: 'state' }), null],
      [JSON.stringify({ type: 'auth', token: 'again' }), null],
      [Buffer.from([0xff, 0x00, 0xfe, 0x13, 0x37]), null],
    ];
    for (const [frame, id] of bad) {
      const before = m.frames.length;
      if (Buffer.isBuffer(frame)) m.ws.send(frame, { binary: true });
      else m.ws.send(frame);
      await until(() => m.frames.length > before, `reply to ${String(frame).slice(0, 30)}`);
      const reply = m.frames[before]!;
      expect(reply).toMatchObject({ type: 'reply', ok: false, replyTo: id });
      expect(typeof reply.error.message).toBe('string');
    }
    const codes = m.frames.map((f) => f.error?.code);
    expect(codes).toContain('NOT_FOUND');
    // role.grant is privileged: a member without manage_roles is told which permission is missing.
    expect(m.frames.find((f) => f.replyTo === 'a6')!.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/manage_roles/) });
    expect(m.closeCode).toBeNull();
    await chat();
    expect((await m.call('state')).me.username).toBe('mallory');
  });

  it('random frames never crash the server (property)', async () => {
    // Hundreds of state and sync reads in a few seconds would spend the read bucket; crashes are tested here.
    const server = await setup({ readRate: null });
    const { chat, token } = await bystanders(server.url);
    let m = await RawClient.connect(server.url, token);
    cleanups.push(() => m.close());
    let reconnects = 0;
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.record({
        id: fc.oneof(fc.string({ minLength: 1, maxLength: 70 }), fc.integer(), fc.constant(undefined)),
        type: fc.constantFrom('state', 'sync', 'history', 'message.send', 'room.create', 'nick.set', 'read.mark', 'zzz', 'typing'),
        roomId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        after: fc.oneof(fc.integer(), fc.double(), fc.string()),
        text: fc.oneof(fc.string(), fc.constant('')),
        nonce: fc.string(),
        name: fc.string(),
        nickname: fc.string(),
      }).map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
        for (const f of frames) m.ws.send(f);
        // A state request after the burst proves the connection and the server are still answering.
        // The one allowed way out: a connection past its malformed-frame allowance is closed with 4400.
        const state = await m.request('state').catch(async () => {
          expect(await m.waitClose()).toBe(4400);
          reconnects++;
          m = await RawClient.connect(server.url, token);
          return m.request('state');
        });
        expect(state.ok).toBe(true);
      }),
      { numRuns: 60, seed: 42 },
    );
    expect(reconnects).toBeLessThan(10);
    await chat();
  });

  it('requests before auth, huge frames and floods are closed with clear codes', async () => {
    const server = await setup({ maxPayload: 4096, frameRate: { perSec: 1, burst: 50 } });
    const { chat, token } = await bystanders(server.url);

    const early = await RawClient.open(server.url);
    early.sendJson({ id: '1', type: 'state' });
    expect(await early.waitClose()).toBe(4400);

    const garbage = await RawClient.open(server.url);
    garbage.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await garbage.waitClose()).toBe(4400);

    const huge = await RawClient.connect(server.url, token);
    huge.ws.send('x'.repeat(10_000));
    expect(await huge.waitClose()).toBe(1009);

    const flood = await RawClient.connect(server.url, token);
    for (let i = 0; i < 200; i++) flood.sendJson({ id: `f${i}`, type: 'state' });
    expect(await flood.waitClose()).toBe(4429);
    await chat();
  });

  it('idle sockets that never authenticate are closed with 4408; foreign origins are refused', async () => {
    const server = await setup({ authTimeoutMs: 100 });
    const { chat } = await bystanders(server.url);
    const idle = await RawClient.open(server.url);
    expect(await idle.waitClose()).toBe(4408);
    await expect(RawClient.open(server.url, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await chat();
  });

  it('connection caps per user and per address close with 4409', async () => {
    const server = await setup({ maxConnectionsPerUser: 2, maxConnectionsPerIp: 6 });
    const { chat, token } = await bystanders(server.url);
    const c1 = await RawClient.connect(server.url, token);
    const c2 = await RawClient.connect(server.url, token);
    cleanups.push(() => c1.close(), () => c2.close());
    const c3 = await RawClient.open(server.url);
    c3.sendJson({ type: 'auth', token });
    expect(await c3.waitClose()).toBe(4409);
    // alice, bob, c1, c2 are 4 of 6 from this address.
    const extra = [await RawClient.open(server.url), await RawClient.open(server.url), await RawClient.open(server.url)];
    cleanups.push(...extra.map((e) => () => e.close()));
    expect(await extra[2]!.waitClose()).toBe(4409);
    await chat();
  });

  it('a client that stops reading is closed with 4429 instead of growing server memory', async () => {
    const server = await setup({ sendBufferCap: 256 * 1024, synchronous: 'normal' });
    const { chat } = await bystanders(server.url);
    const slowUser = await signup(server.url, 'slowpoke');
    const slow = await RawClient.connect(server.url, slowUser.accessToken);
    const socket = (slow.ws as any)._socket as import('node:net').Socket;
    socket.pause();
    const { hub } = server.app;
    const writer = await RawClient.connect(server.url, (await signup(server.url, 'writer')).accessToken);
    cleanups.push(() => writer.close());
    const { room } = await writer.call('room.create', { name: 'firehose' });
    // The slow reader is in the firehose (its messages reach members only); it cannot read a reply, so it
    // is joined at service level.
    await server.app.services.membership.join(slowUser.user.id, room.id);
    const text = 'y'.repeat(3900);
    // The kernel's socket buffers absorb a few MB first; keep sending until the server gives up on it.
    for (let i = 0; i < 500 && hub.isOnline(slowUser.user.id); i++) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => writer.call('message.send', { roomId: room.id, text, nonce: `${i}-${j}` })));
    }
    expect(hub.isOnline(slowUser.user.id)).toBe(false);
    expect(writer.closeCode).toBeNull();
    socket.resume();
    const code = await slow.waitClose();
    expect([4429, 1006]).toContain(code);
    await chat();
  });
});
