// The stats hook shared by both server children (od and baseline).
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
