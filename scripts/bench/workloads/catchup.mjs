// Catch-up: a client `behind` events behind resumes — events/s until it is live — and a fresh client loads
// the snapshot (`state` + recent `history` of every visible room).
import { connectClient } from '../lib/client.mjs';
import { runSaturated } from '../lib/phases.mjs';
import { nowUs, round } from '../lib/latency.mjs';
import { serverStats } from '../lib/server-stats.mjs';
import { account } from '../lib/http.mjs';
import { PASSWORD, setupRooms } from '../lib/setup.mjs';

const PAD = 'catch-up filler text of an ordinary chat line, long enough to look like one';

async function resume(url, token, after, ctx) {
  let events = 0;
  let pages = 0;
  const cpu0 = await serverStats({ pid: ctx.serverPid });
  const t0 = nowUs();
  const c = await connectClient(url, token, {
    resumeAfter: after,
    timeoutMs: 120_000,
    onReplay: (f) => {
      pages++;
      events += f.events.length;
    },
  });
  const s = (nowUs() - t0) / 1e6;
  const cpu1 = await serverStats({ pid: ctx.serverPid });
  const head = c.ready.head;
  c.close();
  return {
    behind: head - after, snapshotRequired: c.ready.snapshotRequired === true, replayedEvents: events, pages,
    untilLiveMs: round(s * 1000, 1), eventsPerSec: events ? round(events / s, 0) : null,
    serverCpuMs: cpu0 && cpu1 ? round((cpu1.cpuUs - cpu0.cpuUs) / 1000, 1) : null,
  };
}

async function snapshot(url, token, historyLimit) {
  const t0 = nowUs();
  const c = await connectClient(url, token);
  const state = await c.request('state');
  if (!state.ok) throw new Error(`state failed: ${JSON.stringify(state.error)}`);
  let messages = 0;
  for (const room of state.result.rooms) {
    const h = await c.request('history', { roomId: room.id, limit: historyLimit });
    if (!h.ok) throw new Error(`history failed: ${JSON.stringify(h.error)}`);
    messages += h.result.messages.length;
  }
  const ms = (nowUs() - t0) / 1000;
  c.close();
  return { rooms: state.result.rooms.length, messages, snapshotMs: round(ms, 1) };
}

export async function catchup(url, cfg, ctx) {
  const { behind = 100_000, writers = 4, window = 64, historyLimit = 50, replayWithin = 0 } = cfg;
  const world = await setupRooms(url, { users: writers, rooms: 1, prefix: 'cu', ownerInvite: cfg.ownerInvite });
  const reader = await account(url, 'cu-reader', PASSWORD);
  const first = await connectClient(url, reader.accessToken);
  // The reader is in the room, so what it replays is the room's messages (not redacted ranges).
  const joined = await first.request('room.join', { roomId: world.roomIds[0] });
  if (!joined.ok) throw new Error(`room.join failed: ${joined.error?.code} ${joined.error?.message}`);
  const start = first.ready.head + 1; // its own room.joined is the one event after head
  first.close();

  const conns = await Promise.all(world.accounts.map((a) => connectClient(url, a.accessToken)));
  const senders = conns.map((client, k) => ({ client, roomId: world.roomIds[0], tag: k }));
  const tw = nowUs();
  const w = await runSaturated(senders, { messages: behind, window, pad: PAD });
  const writeS = (nowUs() - tw) / 1e6;
  for (const c of conns) c.close();

  const result = {
    written: w.accepted,
    writeMsgsPerSec: round(w.accepted / writeS, 0),
    resume: await resume(url, reader.accessToken, start, ctx),
  };
  // When the server refuses to replay that far, also measure the longest replay it does allow.
  if (result.resume.snapshotRequired && replayWithin > 0) {
    result.resumeWithin = await resume(url, reader.accessToken, Math.max(0, result.resume.behind + start - replayWithin), ctx);
  }
  result.snapshot = await snapshot(url, reader.accessToken, historyLimit);
  return result;
}
