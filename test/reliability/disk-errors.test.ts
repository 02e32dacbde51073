import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildServer, makeTempDir, testServerOptions } from './support/child-server.js';
import { orderProblems, readDb } from './support/db.js';
import { makeWorld } from './support/world.js';
import { connectAuthed, type Reply } from './support/ws-client.js';

/*
 * Disk errors. The fault: RLIMIT_FSIZE of the server process set to 0 with prlimit, so every write() to a
 * regular file fails with EFBIG and SQLite reports SQLITE_IOERR_WRITE — the same path as a full or failing
 * disk, it works when the tests run as root (which ignores file permissions), and it is lifted again without
 * restarting the server. While it lasts, a sender must get an error (UNAVAILABLE) and nothing may be
 * acknowledged or published that was not stored; afterwards the same server must work again.
 */

const dirs: string[] = [];
let server: ChildServer | null = null;
afterAll(async () => {
  await server?.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('disk errors', () => {
  it('answers UNAVAILABLE while writes fail, acknowledges only what was stored, and recovers', async () => {
    const dataDir = makeTempDir();
    dirs.push(dataDir);
    server = await ChildServer.start(testServerOptions(dataDir, { messageRate: null }));
    const world = await makeWorld(server, 2, 'disk');
    const [writer, observer] = world.members as [(typeof world.members)[0], (typeof world.members)[0]];
    const w = await connectAuthed(server.wsUrl, writer.accessToken);
    const o = await connectAuthed(server.wsUrl, observer.accessToken);
    const send = (nonce: string) => w.request('message.send', { roomId: world.roomId, text: `text of ${nonce}`, nonce }, 20_000);

    const acked = new Map<string, number>();
    const record = (nonce: string, r: Reply) => {
      if (r.ok) acked.set(nonce, (r.result as { message: { order: number } }).message.order);
    };
    for (let i = 0; i < 10; i++) record(`before-${i}`, await send(`before-${i}`));
    expect(acked.size).toBe(10);

    server.setFileSizeLimit(0);
    const failed: string[] = [];
    const codes: string[] = [];
    try {
      for (let i = 0; i < 10; i++) {
        const nonce = `during-${i}`;
        const r = await send(nonce);
        record(nonce, r);
        if (!r.ok) {
          failed.push(nonce);
          codes.push(r.error!.code);
        }
      }
      // Reads do not need the disk to grow, so they keep working.
      const h = await w.request('history', { roomId: world.roomId, limit: 50 });
      expect(h.ok, JSON.stringify(h.error)).toBe(true);
    } finally {
      server.setFileSizeLimit('unlimited');
    }
    expect(server.alive, server.output).toBe(true);
    expect(failed.length, 'every write during the fault must fail').toBe(10);
    expect(new Set(codes)).toEqual(new Set(['UNAVAILABLE']));

    // Recovery: the failed messages are resent with the same nonce, new ones go through too.
    for (const nonce of failed) {
      const r = await send(nonce);
      expect(r.ok, `resend ${nonce}: ${JSON.stringify(r.error)}`).toBe(true);
      record(nonce, r);
    }
    for (let i = 0; i < 10; i++) {
      const r = await send(`after-${i}`);
      expect(r.ok, JSON.stringify(r.error)).toBe(true);
      record(`after-${i}`, r);
    }
    const last = Math.max(...acked.values());
    await o.waitFor((f) => f.type === 'event' && (f.event as { order: number }).order === last, 10_000, 'observer to see the last message');
    expect(w.open && o.open).toBe(true);
    w.close();
    o.close();
    await server.close();

    const db = readDb(server.dbPath);
    expect(db.integrity).toBe('ok');
    expect(orderProblems(db.events)).toEqual([]);
    const stored = db.messages.filter((m) => m.roomId === world.roomId);
    // Exactly the acknowledged messages, once each, with the acknowledged orders.
    expect(new Map(stored.map((m) => [m.nonce!, m.order]))).toEqual(acked);
    expect(stored.length).toBe(acked.size);
    // The observer was shown exactly what was stored, nothing from the failed attempts.
    const seen = o.frames
      .filter((f) => f.type === 'event' && (f.event as { type: string }).type === 'message.created')
      .map((f) => (f.event as { data: { message: { nonce?: string } } }).data.message.nonce);
    expect(seen).toEqual(stored.map((m) => m.nonce));
  });
});
