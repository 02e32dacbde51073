import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { login } from './support/accounts.js';
import { ChildServer, DB_FILE, makeTempDir, runCli, testServerOptions } from './support/child-server.js';
import { orderProblems, readDb } from './support/db.js';
import { StormClient } from './support/storm-client.js';
import { waitUntil } from './support/wait.js';
import { makeWorld } from './support/world.js';
import { connectAuthed } from './support/ws-client.js';

/*
 * Online backup while clients write: `od-server backup FILE --data-dir D` must produce a consistent copy that
 * holds everything acknowledged before it started, and copying it into an empty data directory must give a
 * working server.
 */

const dirs: string[] = [];
const servers: ChildServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('online backup during writes', () => {
  it('is consistent, holds every message acknowledged before it started, and restores to a working server', async () => {
    const dataDir = makeTempDir();
    const outDir = makeTempDir();
    dirs.push(dataDir, outDir);
    const server = await ChildServer.start(testServerOptions(dataDir, { messageRate: null }));
    servers.push(server);
    const world = await makeWorld(server, 4, 'bk');
    const writers = world.members.map((s) => new StormClient(s, world.roomId, 8, ' '.padEnd(200, 'x')));
    await Promise.all(writers.map((c) => c.connect(server.wsUrl)));
    for (const c of writers) c.startSending(true);
    const ackedNow = () => writers.flatMap((c) => [...c.sent.values()].filter((m) => m.ack));
    await waitUntil(() => ackedNow().length >= 500, 30_000, '500 acknowledged messages');

    const before = ackedNow().map((m) => ({ nonce: m.nonce, ...m.ack! }));
    const file = path.join(outDir, 'backup.sqlite');
    const result = await runCli(['backup', file, '--data-dir', dataDir], 60_000);
    const duringBackup = ackedNow().length - before.length;
    for (const c of writers) c.stopSending();
    await waitUntil(() => writers.every((c) => c.idle), 15_000, 'writers to settle');
    expect(result.code, result.output).toBe(0);
    for (const c of writers) expect(c.problems).toEqual([]);

    const copy = readDb(file);
    expect(copy.integrity).toBe('ok');
    expect(orderProblems(copy.events)).toEqual([]);
    const byOrder = new Map(copy.messages.map((m) => [m.order, m]));
    const missing = before.filter((m) => byOrder.get(m.order)?.messageId !== m.messageId);
    expect(missing).toEqual([]);
    console.log(`backup: ${before.length} acknowledged before, ${duringBackup} during; backup holds ${copy.messages.length}`);

    // Restore = copy the file into a fresh data directory.
    for (const c of writers) c.close();
    await server.close();
    const restoredDir = makeTempDir();
    dirs.push(restoredDir);
    fs.copyFileSync(file, path.join(restoredDir, DB_FILE));
    const restored = await ChildServer.start(testServerOptions(restoredDir, { messageRate: null }));
    servers.push(restored);
    const member = world.members[0]!;
    const session = await login(restored.url, member.username, member.password);
    const c = await connectAuthed(restored.wsUrl, session.accessToken);
    const h = await c.request('history', { roomId: world.roomId, limit: 200 });
    expect(h.ok, JSON.stringify(h.error)).toBe(true);
    const newest = (h.result as { messages: { order: number }[] }).messages.at(-1)!;
    expect(newest.order).toBe(copy.messages.at(-1)!.order);
    const sent = await c.request('message.send', { roomId: world.roomId, text: 'after restore', nonce: 'restored-1' });
    expect(sent.ok, JSON.stringify(sent.error)).toBe(true);
    expect((sent.result as { message: { order: number } }).message.order).toBe(copy.events.at(-1)!.order + 1);
    c.close();
    await restored.close();
  });
});
