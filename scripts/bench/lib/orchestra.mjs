// Starts a server child (od, baseline or ngircd) and a load-generator child for one run, relays the
// generator's stats requests to the server over IPC (ngircd: answered from /proc), and stops both by PID.
// Every child is registered so that an interrupted bench still kills what it started.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IRC_OPER, startNgircd } from './ngircd.mjs';
import { procStats } from './proc-stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '..');
const children = new Set();

export function killAll() {
  for (const child of children) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  children.clear();
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Start a server child; resolves with {child, url, pid, dataDir, stop()}. */
export function startServerChild(kind, { serverOptions = {}, cpuProfDir, ngircdBin } = {}) {
  if (kind === 'ngircd') return startNgircd({ bin: ngircdBin, oper: IRC_OPER, track });
  const execArgv = ['--expose-gc'];
  const env = cpuProfDir ? { ...process.env, BENCH_PROFILE_DIR: cpuProfDir } : process.env;
  let child;
  let dataDir = null;
  if (kind === 'od') {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-bench-'));
    child = fork(path.join(benchDir, 'od-server-child.mjs'), [JSON.stringify({ dataDir, ...serverOptions })], {
      execArgv,
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
  } else {
    child = fork(path.join(benchDir, 'baseline-server.mjs'), ['--port', '0'], { execArgv, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  }
  track(child);
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} server did not start in 30 s\n${stderr}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited with ${code}\n${stderr}`));
    });
    child.on('message', (msg) => {
      if (msg?.type !== 'listening') return;
      clearTimeout(timer);
      resolve({
        kind,
        child,
        url: msg.url,
        pid: child.pid,
        ownerInvite: msg.ownerInvite ?? null,
        stderr: () => stderr,
        stop: () => stopChild(child, dataDir),
      });
    });
  });
}

function stopChild(child, dataDir) {
  return new Promise((resolve) => {
    const cleanup = () => {
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return cleanup();
    // Ask for a clean close first (the CPU profile is written on a clean exit), then kill by PID.
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(hard);
      cleanup();
    });
    try {
      child.send({ type: 'stop' });
    } catch {
      child.kill('SIGKILL');
    }
  });
}

/** Run the load generator once against `server`; resolves with its parsed JSON result line. */
export function runLoadGen(server, workload, config, deadlineS) {
  const cfg = server.ownerInvite ? { ...config, ownerInvite: server.ownerInvite } : config;
  const args = ['--url', server.url, '--workload', workload, '--config', JSON.stringify(cfg), '--deadline-s', String(deadlineS), '--server-pid', String(server.pid)];
  const gen = track(fork(path.join(benchDir, 'load-gen.mjs'), args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
  let out = '';
  let err = '';
  gen.stdout.on('data', (d) => (out += d));
  gen.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  // Relay: generator asks for server stats → server child answers → back to the generator.
  const pendingStats = new Map();
  // ngircd has no IPC channel: its CPU time and memory come from /proc.
  const fromProc = server.kind === 'ngircd';
  const onServerMsg = (msg) => {
    if (msg?.type !== 'stats') return;
    // Replies to the generator's profile requests carry only the reqId.
    const reqId = pendingStats.get(msg.reqId);
    if (reqId === undefined) return;
    pendingStats.delete(msg.reqId);
    const { type: _t, reqId: _r, ...stats } = msg;
    if (gen.connected) gen.send({ type: 'server-stats-reply', reqId, stats });
  };
  if (!fromProc) server.child.on('message', onServerMsg);
  let relayId = 1;
  gen.on('message', (msg) => {
    if (msg?.type !== 'server-stats') return;
    if (fromProc) {
      if (gen.connected) gen.send({ type: 'server-stats-reply', reqId: msg.reqId, stats: msg.profile ? null : procStats(server.pid) });
      return;
    }
    const id = relayId++;
    pendingStats.set(id, msg.reqId);
    try {
      if (msg.profile) server.child.send({ type: 'profile', reqId: id, action: msg.profile, label: `${workload}-${server.kind}` });
      else server.child.send({ type: 'stats', reqId: id, gc: msg.gc });
    } catch {
      gen.send({ type: 'server-stats-reply', reqId: msg.reqId, stats: null });
    }
  });
  return new Promise((resolve) => {
    const hard = setTimeout(() => gen.kill('SIGKILL'), (deadlineS + 15) * 1000);
    gen.once('exit', (code, signal) => {
      clearTimeout(hard);
      if (!fromProc) server.child.off('message', onServerMsg);
      const line = out.trim().split('\n').pop();
      try {
        resolve(JSON.parse(line));
      } catch {
        resolve({ ok: false, error: `load generator exited (${code ?? signal}) without a result\n${err}` });
      }
    });
  });
}
