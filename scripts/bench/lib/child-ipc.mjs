// The stats hook shared by both server children (od and baseline).
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector';
// The orchestrator forks a server child with an IPC channel; the child announces its address once it
// listens and answers `stats` requests with its own CPU time and memory, so the numbers describe the
// server process alone (the load generator runs in another process).

/** Announce the listening address to the parent (or print it when run by hand). */
export function announce(info) {
  if (process.send) process.send({ type: 'listening', ...info });
  else process.stdout.write(`${JSON.stringify({ type: 'listening', ...info })}\n`);
}

/**
 * Answer `{type:'stats', reqId, gc}` with CPU µs and memory. `gc: true` collects garbage first (needs
 * --expose-gc) so that resident-memory comparisons are not dominated by garbage waiting to be collected.
 * `stop` closes the server and exits; a hard timer makes sure the child never lingers.
 */
export function serveStats(close) {
  if (!process.send) return;
  process.on('message', async (msg) => {
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'stats') {
      if (msg.gc && typeof globalThis.gc === 'function') {
        globalThis.gc();
        globalThis.gc();
      }
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      process.send({
        type: 'stats',
        reqId: msg.reqId,
        cpuUs: cpu.user + cpu.system,
        rss: mem.rss,
        heapUsed: mem.heapUsed,
        external: mem.external,
        arrayBuffers: mem.arrayBuffers,
      });
    } else if (msg.type === 'profile') {
      // A CPU profile of exactly the measured phase (start/stop sent by the load generator), written to
      // BENCH_PROFILE_DIR; `node --cpu-prof` would also include setup and teardown.
      await profile(msg.action, msg.label);
      process.send({ type: 'stats', reqId: msg.reqId });
    } else if (msg.type === 'stop') {
      setTimeout(() => process.exit(0), 5000).unref();
      try {
        await close();
      } finally {
        process.exit(0);
      }
    }
  });
  // The parent went away (crashed or was killed): do not outlive it.
  process.on('disconnect', () => process.exit(0));
}

let inspector = null;
function post(method, params) {
  return new Promise((resolve, reject) => inspector.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
}

async function profile(action, label = 'phase') {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return;
  if (action === 'start') {
    inspector = new Session();
    inspector.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
  } else if (action === 'stop' && inspector) {
    const { profile: prof } = await post('Profiler.stop');
    inspector.disconnect();
    inspector = null;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${label}-${process.pid}.cpuprofile`), JSON.stringify(prof));
  }
}
