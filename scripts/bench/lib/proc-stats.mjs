// CPU time, run-queue wait and memory of a process, read from /proc (Linux; null elsewhere).
import { readFileSync } from 'node:fs';

/** {cpuUs, rss}: user+system CPU of all threads (10 ms resolution) and resident memory. */
export function procStats(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in USER_HZ (100/s)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuUs: ticks * 10_000, rss: rssKb * 1024, heapUsed: null };
  } catch {
    return null;
  }
}

/**
 * Scheduler figures of a process's main thread in µs: time on a CPU and time runnable but waiting for
 * one. The wait tells a busy machine from an idle process: a generator at 50 % CPU that also waited 45 %
 * of the time wanted a whole core and did not get it.
 */
export function schedStat(pid = 'self') {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { runUs: run / 1000, waitUs: wait / 1000 };
  } catch {
    return null;
  }
}
