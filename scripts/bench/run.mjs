#!/usr/bin/env node
// `npm run bench`: every scenario against od-server, the baseline and (fan-out scenarios) ngircd, rotating
// which server goes first, median of the runs; prints a table (od, baseline, ngircd, od/baseline,
// od/ngircd) and writes bench-results/<timestamp>.json. `--help` lists the flags and scenarios.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarios } from './scenarios.mjs';
import { killAll, runLoadGen, startServerChild } from './lib/orchestra.mjs';
import { ensureNgircd } from './lib/ngircd.mjs';
import { generatorFlags, ratio, summarise, table } from './lib/report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ALL_SERVERS = ['od', 'baseline', 'ngircd'];
const SERVER_TEXT = {
  od: 'od-server (packages/server/dist), its own process, fresh data directory per run',
  baseline: 'a Node `ws` broadcast server without persistence (scripts/bench/baseline-server.mjs)',
  ngircd: 'ngircd, a C IRC daemon, for the fan-out scenarios only (installed with apt-get when missing and root)',
};
const autoGenProcs = () => Math.max(0, Math.min(4, os.cpus().length - 2));

// name → [kind, value placeholder, help]; kind: bool | int | list | word
const FLAGS = {
  '--help': ['bool', '', 'print this help and exit (also -h)'],
  '--quick': ['bool', '', 'one run with smaller sizes (a few minutes)'],
  '--runs': ['int', 'N', 'runs per server and scenario (default 3, 1 with --quick); the table shows medians'],
  '--scenario': ['list', 'A,B', 'only these scenarios (default: all)'],
  '--servers': ['list', 'A,B', `servers to run (default: ${ALL_SERVERS.join(',')})`],
  '--generator': ['word', 'raw|ws', 'fan-out load generator: raw (default: node:net, byte search) or ws (the former `ws` one; no ngircd)'],
  '--gen-procs': ['int', 'N', `receiver processes of the raw generator, 0–8 (default ${autoGenProcs()} here: CPUs − 2, at most 4)`],
  '--no-install': ['bool', '', 'do not install ngircd when it is missing (its column is left out)'],
  '--cpu-prof': ['bool', '', 'each od/baseline child writes a V8 CPU profile of the measured phase to bench-results/profiles-<ts>/'],
  '--deadline-min': ['int', 'M', 'hard deadline for the whole bench (default 40): every child is killed by PID, exit 2'],
};

function usage() {
  const all = scenarios({ quick: false });
  const w = Math.max(...Object.keys(all).map((k) => k.length));
  const fw = Math.max(...Object.entries(FLAGS).map(([f, [, v]]) => f.length + (v ? v.length + 1 : 0)));
  return [
    'usage: node scripts/bench/run.mjs [flags]        (npm run bench builds first, then runs everything)',
    '',
    'flags:',
    ...Object.entries(FLAGS).map(([f, [, v, h]]) => `  ${`${f}${v ? ` ${v}` : ''}`.padEnd(fw)}  ${h}`),
    '',
    'scenarios (* also against ngircd):',
    ...Object.entries(all).map(([k, s]) => `  ${k.padEnd(w)} ${s.ngircd ? '*' : ' '} ${s.description ?? ''}`),
    '',
    'servers:',
    ...ALL_SERVERS.map((k) => `  ${k.padEnd(9)} ${SERVER_TEXT[k]}`),
    '',
    'Runs are bounded in count and time, on 127.0.0.1 only, and stop by themselves. See docs/benchmarks.md.',
  ].join('\n');
}

function usageError(msg) {
  process.stderr.write(`run.mjs: ${msg}\nTry \`node scripts/bench/run.mjs --help\`.\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value;
    if (a === '-h') a = '--help';
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const spec = FLAGS[a];
    if (!spec) usageError(`unknown flag "${argv[i]}"`);
    const [kind] = spec;
    if (kind === 'bool') {
      if (value !== undefined) usageError(`${a} takes no value`);
      out[a] = true;
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) usageError(`${a} needs a value`);
    }
    if (kind === 'int') {
      if (!/^\d+$/.test(value)) usageError(`${a} needs a whole number, not "${value}"`);
      out[a] = Number(value);
    } else if (kind === 'list') out[a] = value.split(',').filter(Boolean);
    else out[a] = value;
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
if (args['--help']) {
  process.stdout.write(`${usage()}\n`);
  process.exit(0);
}

const quick = Boolean(args['--quick']);
const runs = args['--runs'] ?? (quick ? 1 : 3);
if (runs < 1 || runs > 20) usageError('--runs must be between 1 and 20');
const generator = args['--generator'] ?? 'raw';
if (!['raw', 'ws'].includes(generator)) usageError(`--generator is raw or ws, not "${generator}"`);
const genProcs = args['--gen-procs'] ?? autoGenProcs();
if (genProcs > 8) usageError('--gen-procs must be between 0 and 8');
const deadlineMin = args['--deadline-min'] ?? 40;
if (deadlineMin < 1) usageError('--deadline-min must be at least 1');
const all = scenarios({ quick });
const chosen = args['--scenario'] ?? Object.keys(all);
for (const name of chosen) if (!all[name]) usageError(`unknown scenario "${name}"; known: ${Object.keys(all).join(', ')}`);
let servers = args['--servers'] ?? ALL_SERVERS;
for (const k of servers) if (!ALL_SERVERS.includes(k)) usageError(`unknown server "${k}"; known: ${ALL_SERVERS.join(', ')}`);
servers = ALL_SERVERS.filter((k) => servers.includes(k));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = path.join(root, 'bench-results');
const cpuProfDir = args['--cpu-prof'] ? path.join(outDir, `profiles-${stamp}`) : undefined;
const notes = [];

if (servers.includes('od') && !fs.existsSync(path.join(root, 'packages/server/dist/index.js'))) {
  console.error('packages/server/dist/index.js is missing: run `npm run build` first (or pass --servers baseline).');
  process.exit(1);
}

// ngircd: only for the fan-out scenarios, only with the raw generator (it speaks IRC as well as WebSocket).
let ngircd = null;
if (servers.includes('ngircd') && chosen.some((n) => all[n].ngircd)) {
  if (generator !== 'raw') notes.push('ngircd runs only with the raw generator: its column is left out (--generator ws).');
  else {
    const found = ensureNgircd({ allowInstall: !args['--no-install'] });
    if (found.bin) ngircd = found;
    else notes.push(found.note);
  }
}
const serversFor = (s) => servers.filter((k) => k !== 'ngircd' || (s.ngircd && ngircd));

// Every socket is a file descriptor in the server and again in the load generator.
const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()) || 1024;
for (const name of chosen) {
  const s = all[name];
  if (s.workload === 'idle' && s.config.connections + 200 > fdLimit) {
    const scaled = Math.max(100, fdLimit - 200);
    notes.push(`${name}: ulimit -n is ${fdLimit}; scaled from ${s.config.connections} to ${scaled} connections (raise it with \`ulimit -n 20000\`).`);
    s.config.connections = scaled;
  }
  if (s.workload === 'fanout') {
    const rooms = s.config.rooms ?? 1;
    if (s.config.clients + 200 > fdLimit) {
      const scaled = Math.max(rooms * 2, Math.floor((fdLimit - 200) / rooms) * rooms);
      notes.push(`${name}: ulimit -n is ${fdLimit}; scaled from ${s.config.clients} to ${scaled} clients (raise it with \`ulimit -n 20000\`).`);
      s.config.clients = scaled;
    }
    s.config.genProcs = genProcs;
    if (generator === 'ws') s.workload = 'fanout-ws';
  }
}

// The whole bench stops by itself.
const hardDeadline = setTimeout(() => {
  console.error('bench deadline reached; stopping every child');
  killAll();
  process.exit(2);
}, deadlineMin * 60_000);
hardDeadline.unref();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

const cleanOptions = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

async function runOnce(kind, scenario) {
  const serverOptions = cleanOptions({ bcryptCost: 4, ...scenario.serverOptions });
  const server = await startServerChild(kind, { serverOptions, cpuProfDir, ngircdBin: ngircd?.bin });
  try {
    const result = await runLoadGen(server, scenario.workload, scenario.config, scenario.deadlineS);
    if (!result.ok) result.serverStderr = server.stderr().slice(-1500);
    return result;
  } finally {
    await server.stop();
  }
}

const MARK_BOUND = ' ⚠';
const MARK_STARVED = ' ≈';
const results = {};
const rows = [];
const warnings = [];
const started = Date.now();
for (const name of chosen) {
  const s = all[name];
  const list = serversFor(s);
  if (list.length === 0) {
    notes.push(`${name}: none of the chosen servers runs this scenario; skipped.`);
    continue;
  }
  const byServer = Object.fromEntries(list.map((k) => [k, []]));
  for (let r = 0; r < runs; r++) {
    // Rotate which server goes first, so drift (thermal, page cache, other work) does not favour one.
    const order = [...list.slice(r % list.length), ...list.slice(0, r % list.length)];
    for (const kind of order) {
      process.stderr.write(`[bench] ${name} run ${r + 1}/${runs} ${kind} … `);
      const t = Date.now();
      // Other work on the machine skews a run; the load average says how much there was.
      const loadBefore = os.loadavg()[0];
      const res = await runOnce(kind, s).catch((e) => ({ ok: false, error: String(e?.stack ?? e) }));
      res.loadAvg1 = [Number(loadBefore.toFixed(2)), Number(os.loadavg()[0].toFixed(2))];
      byServer[kind].push(res);
      const g = res.ok && res.result?.generatorCpuPct !== undefined ? `, load-gen ${res.result.generatorCpuPct} % CPU` : '';
      process.stderr.write(res.ok ? `ok (${((Date.now() - t) / 1000).toFixed(1)} s${g})\n` : `FAILED\n${res.error}\n${res.serverStderr ?? ''}\n`);
    }
  }
  const medians = Object.fromEntries(list.map((k) => [k, summarise(byServer[k], s.figures)]));
  const flags = Object.fromEntries(list.map((k) => [k, generatorFlags(byServer[k])]));
  const marks = {};
  for (const [k, f] of Object.entries(flags)) {
    if (f.bound > 0) {
      marks[k] = MARK_BOUND;
      warnings.push(`${MARK_BOUND.trim()} ${name}, ${k}: in ${f.bound} of ${f.runs} run(s) a load-generator process used ≥ 90 % of a core — the generator may have set the pace, so ${k}'s throughput is a lower bound and its ratios are not to be trusted.`);
    } else if (f.starved > 0) {
      marks[k] = MARK_STARVED;
      warnings.push(`${MARK_STARVED.trim()} ${name}, ${k}: in ${f.starved} of ${f.runs} run(s) a load-generator process wanted a whole core (CPU + run-queue wait ≥ 90 %) but other work on the machine held it back — the machine, not only the server, set the pace.`);
    }
  }
  results[name] = {
    workload: s.workload, config: s.config, serverOptions: s.serverOptions ?? {}, runs: byServer, median: medians, generatorFlags: flags,
  };
  for (const [key, label, better] of s.figures) {
    const v = (k) => (medians[k] ? (medians[k][key] ?? null) : null);
    const od = v('od');
    const baseline = v('baseline');
    const ngircdV = v('ngircd');
    if (od === null && baseline === null && ngircdV === null) continue;
    const informative = better !== 'info';
    rows.push({
      scenario: name, key, label, better, od, baseline, ngircd: ngircdV,
      ratioBaseline: informative ? ratio(od, baseline) : null,
      ratioNgircd: informative ? ratio(od, ngircdV) : null,
      marks: key === 'deliveriesPerSec' || key === 'generatorCpuPct' ? marks : undefined,
    });
  }
}

fs.mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `${stamp}.json`);
const meta = {
  date: new Date().toISOString(),
  command: `node scripts/bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  runs,
  quick,
  generator,
  genProcs,
  servers,
  ngircd: ngircd?.version ?? null,
  fdLimit,
  notes,
  warnings,
  durationS: Math.round((Date.now() - started) / 1000),
  loadAvgAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))),
};
fs.writeFileSync(file, `${JSON.stringify({ ...meta, table: rows, scenarios: results }, null, 2)}\n`);

console.log(`\nopen_discord bench — ${meta.date} — ${meta.cpus} × ${meta.cpuModel}, Node ${meta.node}, median of ${runs} run(s)`);
console.log(`generator: ${generator}${generator === 'raw' ? ` (${genProcs} receiver process(es) besides the sender process)` : ''}${ngircd ? `; ngircd: ${ngircd.version}` : ''}`);
for (const n of notes) console.log(`note: ${n}`);
const busy = Object.values(results).flatMap((r) => Object.values(r.runs).flat()).filter((r) => r.loadAvg1?.[1] > meta.cpus + 1);
if (busy.length) console.log(`note: ${busy.length} run(s) ended with a 1-minute load average above ${meta.cpus + 1}: other work shared the CPUs; compare with care.`);
console.log(table(rows, servers));
for (const w of warnings) console.log(w);
console.log(`\nwritten: ${path.relative(root, file)}${cpuProfDir ? `\nprofiles: ${path.relative(root, cpuProfDir)}` : ''} (${meta.durationS} s)`);
killAll();
process.exit(0);
