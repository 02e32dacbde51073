// Server CPU time and memory, asked of the orchestrator (which relays to the server child over IPC).
// Run by hand with --server-pid instead, the generator falls back to /proc (CPU at 10 ms resolution).
import { procStats as fromProc } from './proc-stats.mjs';

let nextReq = 1;
const waiting = new Map();
if (process.send) {
  process.on('message', (msg) => {
    if (msg?.type !== 'server-stats-reply') return;
    const w = waiting.get(msg.reqId);
    if (w) {
      waiting.delete(msg.reqId);
      w(msg.stats);
    }
  });
}

/** `{cpuUs, rss, heapUsed}` of the server process, or null when unknown. */
export function serverStats({ gc = false, pid, profile } = {}) {
  if (!process.send) return Promise.resolve(pid && !profile ? fromProc(pid) : null);
  const reqId = nextReq++;
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      waiting.delete(reqId);
      resolve(null);
    }, 10_000);
    waiting.set(reqId, (s) => {
      clearTimeout(t);
      resolve(s);
    });
    process.send({ type: 'server-stats', reqId, gc, profile });
  });
}

/** Peak RSS over a phase, sampled every 200 ms. */
export function rssSampler(pid) {
  let peak = 0;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    const s = await serverStats({ pid });
    if (s && s.rss > peak) peak = s.rss;
    busy = false;
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/** Start or stop the server's CPU profile of the measured phase (only when the bench runs with --cpu-prof). */
export const serverProfile = (action) => serverStats({ profile: action });
