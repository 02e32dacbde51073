import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, ProtocolError, signup, uploadFile, type OdClient } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';

/*
 * What a bot sees of the server's limits through the typed client: a refused request rejects with a
 * ProtocolError whose code is RATE_LIMITED and whose retryAfterMs says when to try again, over the
 * WebSocket (per kind of write, slowmode) and over HTTP (uploads). Real sockets and SQLite; the server's
 * clock is injected, so "later" is a number, not a sleep.
 */

let dir: string;
let server: RunningServer;
const clients: OdClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('rate limits through the typed client', () => {
  it('reject with RATE_LIMITED and retryAfterMs, and the same request succeeds once that time has passed', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-limits-'));
    const clock = { t: 1_700_000_000_000 };
    server = await startServer({
      dataDir: dir,
      port: 0,
      registration: 'open',
      bcryptCost: 4,
      authRate: null,
      firstRoom: 'general',
      log: () => {},
      now: () => clock.t,
      messageRate: { perSec: 1, burst: 2 },
      writeRates: { upload: { perSec: 0.1, burst: 1 } },
    });
    const pair = await signup(server.url, { username: 'botty', password: 'password-of-botty' });
    const bot = await connect(server.url, { username: 'botty', password: 'password-of-botty' });
    clients.push(bot);
    const state = await bot.request('state', {});
    const roomId = state.rooms.find((r) => r.name === 'general')!.id;
    // Joining a room one is in already changes nothing; either way the bot is a member now.
    await bot.request('room.join', { roomId });

    const send = (n: number) => bot.request('message.send', { roomId, text: `tick ${n}`, nonce: `tick-${n}` });
    await send(1);
    await send(2);
    const err = await refusal(send(3));
    expect(err).toBeInstanceOf(ProtocolError);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1000, message: 'too many messages; slow down' });
    clock.t += (err as ProtocolError).retryAfterMs!;
    expect((await send(3)).message.text).toBe('tick 3');

    // Uploads over HTTP: the same error, from the HTTP helper.
    const file = (s: string) => ({ name: 'note.txt', size: s.length, body: new TextEncoder().encode(s) });
    await uploadFile(server.url, pair.accessToken, file('first'));
    const up = await refusal(uploadFile(server.url, pair.accessToken, file('second')));
    expect(up).toBeInstanceOf(ProtocolError);
    expect(up).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 10_000 });
  });
});
