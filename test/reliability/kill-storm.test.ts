import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildServer, makeTempDir, testServerOptions } from './support/child-server.js';
import { orderProblems, readDb, type DbSnapshot } from './support/db.js';
import { StormClient } from './support/storm-client.js';
import { seededRandom, waitUntil } from './support/wait.js';
import { makeWorld } from './support/world.js';

/*
 * kill -9 during a write storm. 16 clients keep messages in flight; the server is SIGKILLed at seeded random
 * moments and restarted on the same data directory. After every kill the database must hold every
 * acknowledged message with the order it was acknowledged with, gap-free, and pass integrity_check. At the
 * end every unacknowledged message has been resent with its nonce and is stored exactly once, and every
 * client's view of the room (built only from replay and live frames across all reconnects) equals the database.
 *
 * Runs at synchronous=FULL and, with half the cycles, NORMAL (both promise survival of process crashes).
 * Soak: OD_FAULT_CYCLES=100 (or `node scripts/fault/kill-storm.mjs --cycles 100`); OD_FAULT_SEED to reproduce.
 */

const CYCLES = Number(process.env.OD_FAULT_CYCLES ?? 10);
const SEED = Number(process.env.OD_FAULT_SEED ?? 20261121);
const CLIENTS = 16;

const dirs: string[] = [];
let current: ChildServer | null = null;
afterAll(async () => {
  await current?.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function checkDurability(db: DbSnapshot, clients: StormClient[], roomId: string, cycle: number): string[] {
  const problems: string[] = [];
  if (db.integrity !== 'ok') problems.push(`cycle ${cycle}: integrity_check: ${db.integrity}`);
  problems.push(...orderProblems(db.events).map((p) => `cycle ${cycle}: ${p}`));
  const byOrder = new Map(db.messages.map((m) => [m.order, m]));
  const nonceCount = new Map<string, number>();
  for (const m of db.messages) {
    if (m.nonce === undefined) continue;
    const k = `${m.authorId}/${m.nonce}`;
    nonceCount.set(k, (nonceCount.get(k) ?? 0) + 1);
  }
  for (const [k, n] of nonceCount) if (n > 1) problems.push(`cycle ${cycle}: nonce ${k} stored ${n} times`);
  for (const c of clients) {
    for (const m of c.sent.values()) {
      if (!m.ack) continue;
      const stored = byOrder.get(m.ack.order);
      if (!stored || stored.messageId !== m.ack.messageId || stored.text !== m.text || stored.roomId !== roomId) {
        problems.push(`cycle ${cycle}: acknowledged ${m.nonce} (${m.ack.messageId}@${m.ack.order}) lost or changed: ${JSON.stringify(stored)}`);
      }
    }
    // Anything a client was shown must have been durable.
    for (const [order, id] of c.view) {
      if (byOrder.get(order)?.messageId !== id) problems.push(`cycle ${cycle}: ${c.session.username} saw ${id}@${order}, not in the database`);
    }
  }
  return problems.slice(0, 20);
}

// synchronous=NORMAL promises the same against process crashes (only power loss differs), checked with fewer cycles.
const RUNS = [
  { synchronous: 'full' as const, cycles: CYCLES },
  { synchronous: 'normal' as const, cycles: Math.max(3, Math.ceil(CYCLES / 2)) },
];

describe.each(RUNS)('kill -9 during a write storm (synchronous=$synchronous)', ({ synchronous, cycles: CYCLES }) => {
  it(
    `loses no acknowledged message over ${CYCLES} SIGKILL cycles (seed ${SEED})`,
    async () => {
      const random = seededRandom(SEED);
      const dataDir = makeTempDir();
      dirs.push(dataDir);
      const options = testServerOptions(dataDir, { messageRate: null, maxConnectionsPerIp: 1000, synchronous });

      current = await ChildServer.start(options);
      const world = await makeWorld(current, CLIENTS, 'storm');
      const clients = world.members.map((s) => new StormClient(s, world.roomId, 4));
      let acked = 0;
      const committedUnacked = new Set<string>();

      for (let cycle = 0; cycle < CYCLES; cycle++) {
        if (!current.alive) current = await ChildServer.start(options);
        const server = current;
        // Clients connect concurrently and start writing as soon as they are live; the kill may land while
        // some are still authenticating or replaying, which is part of the point.
        const killAfterMs = 50 + Math.floor(random() * 450);
        const connecting = clients.map((c) =>
          c.connect(server.wsUrl).then(
            () => c.startSending(true),
            () => undefined,
          ),
        );
        await new Promise((r) => setTimeout(r, killAfterMs));
        await server.kill('SIGKILL');
        await Promise.all(connecting);
        await Promise.all(clients.map((c) => c.waitClosed()));
        for (const c of clients) c.stopSending();

        const db = readDb(server.dbPath);
        const problems = checkDurability(db, clients, world.roomId, cycle);
        expect(problems, `seed ${SEED}`).toEqual([]);
        // Stored but never acknowledged (killed between commit and reply): the resend must not duplicate these.
        const storedNonces = new Set(db.messages.map((m) => m.nonce));
        for (const c of clients) for (const m of c.unacked) if (storedNonces.has(m.nonce)) committedUnacked.add(m.nonce);
        acked = clients.reduce((n, c) => n + [...c.sent.values()].filter((m) => m.ack).length, 0);
      }

      // Final round without a kill: resend everything unacknowledged, then let every client catch up.
      current = await ChildServer.start(options);
      const server = current;
      await Promise.all(clients.map((c) => c.connect(server.wsUrl)));
      for (const c of clients) c.startSending(false);
      await waitUntil(() => clients.every((c) => c.unacked.length === 0 && c.idle), 30_000, 'every resend to be acknowledged');
      const head = Math.max(...clients.flatMap((c) => [...c.sent.values()].map((m) => m.ack!.order)));
      await waitUntil(() => clients.every((c) => c.lastOrder >= head), 15_000, 'every client to catch up');
      for (const c of clients) c.close();
      await server.close();

      const db = readDb(server.dbPath);
      const problems = checkDurability(db, clients, world.roomId, CYCLES);
      for (const c of clients) problems.push(...c.problems.slice(0, 5));
      expect(problems, `seed ${SEED}`).toEqual([]);

      // Every nonce ever sent is stored exactly once, and each client's view equals the database.
      const sent = clients.reduce((n, c) => n + c.sent.size, 0);
      const inRoom = db.messages.filter((m) => m.roomId === world.roomId);
      expect(inRoom.length).toBe(sent);
      const expected = inRoom.map((m) => [m.order, m.messageId]);
      for (const c of clients) {
        expect(c.lastOrder, c.session.username).toBe(db.events.at(-1)!.order);
        expect([...c.view].sort((a, b) => a[0] - b[0]), c.session.username).toEqual(expected);
      }
      // The storm really stormed: messages were acknowledged before the kills, and some were in flight.
      expect(acked).toBeGreaterThan(0);
      console.log(
        `kill-storm (${synchronous}): ${CYCLES} cycles, ${sent} messages sent, ${acked} acknowledged before the final round, ` +
          `${committedUnacked.size} stored-but-unacknowledged at a kill and resent`,
      );
    },
    60_000 + CYCLES * 8_000,
  );
});
