#!/usr/bin/env node
// `npm run bench`: every scenario against od-server AND the baseline, alternating, median of the runs;
// prints a table (od, baseline, od/baseline) and writes bench-results/<timestamp>.json.
//
//   node scripts/bench/run.mjs [--quick] [--runs N] [--scenario NAME[,NAME]] [--servers od,baseline]
//                              [--cpu-prof] [--deadline-min 25]
// --quick: one run with smaller sizes. --cpu-prof: each server child writes a V8 CPU profile of the
// measured fan-out phase into bench-results/profiles-<timestamp>/ (open in Chrome DevTools, or summarise
// with profile-summary.mjs).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarios } from './scenarios.mjs';
import { killAll, runLoadGen, startServerChild } from './lib/orchestra.mjs';
import { ratio, summarise, table } from './lib/report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

const quick = flag('--quick');
const runs = Number(opt('--runs', quick ? '1' : '3'));
const all = scenarios({ quick });
const chosen = opt('--scenario') ? opt('--scenario').split(',') : Object.keys(all);
const servers = opt('--servers', 'od,baseline').split(',');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = path.join(root, 'bench-results');
const cpuProfDir = flag('--cpu-prof') ? path.join(outDir, `profiles-${stamp}`) : undefined;
const notes = [];

for (const name of chosen) {
  if (!all[name]) {
    console.error(`unknown scenario "${name}"; known: ${Object.keys(all).join(', ')}`);
    process.exit(1);
  }
}
if (servers.includes('od') && !fs.existsSync(path.join(root, 'packages/server/dist/index.js'))) {
  console.error('packages/server/dist/index.js is missing: run `npm run build` first (or pass --servers baseline).');
  process.exit(1);
}

// Every socket is a file descriptor in the server and again in the load generator.
const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()) || 1024;
for (const name of chosen) {
  const s = all[name];
  if (s.workload === 'idle' && s.config.connections + 200 > fdLimit) {
    const scaled = Math.max(100, fdLimit - 200);
    notes.push(`${name}: ulimit -n is ${fdLimit}; scaled from ${s.config.connections} to ${scaled} connections (raise it with \`ulimit -n 20000\`).`);
    s.config.connections = scaled;
  }
}

// The whole bench stops by itself.
const hardDeadline = setTimeout(() => {
  console.error('bench deadline reached; stopping every child');
  killAll();
  process.exit(2);
}, Number(opt('--deadline-min', '25')) * 60_000);
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
  const server = await startServerChild(kind, { serverOptions, cpuProfDir });
  try {
    const result = await runLoadGen(server, scenario.workload, scenario.config, scenario.deadlineS);
    if (!result.ok) result.serverStderr = server.stderr().slice(-1500);
    return result;
  } finally {
    await server.stop();
  }
}

const results = {};
const rows = [];
const started = Date.now();
for (const name of chosen) {
  const s = all[name];
  const byServer = Object.fromEntries(servers.map((k) => [k, []]));
  for (let r = 0; r < runs; r++) {
    // Alternate which server goes first, so drift (thermal, page cache) does not favour one.
    const order = r % 2 === 0 ? servers : [...servers].reverse();
    for (const kind of order) {
      process.stderr.write(`[bench] ${name} run ${r + 1}/${runs} ${kind} … `);
      const t = Date.now();
      // Other work on the machine skews a run; the load average says how much there was.
      const loadBefore = os.loadavg()[0];
      const res = await runOnce(kind, s).catch((e) => ({ ok: false, error: String(e?.stack ?? e) }));
      res.loadAvg1 = [Number(loadBefore.toFixed(2)), Number(os.loadavg()[0].toFixed(2))];
      byServer[kind].push(res);
      process.stderr.write(res.ok ? `ok (${((Date.now() - t) / 1000).toFixed(1)} s)\n` : `FAILED\n${res.error}\n${res.serverStderr ?? ''}\n`);
    }
  }
  const medians = Object.fromEntries(servers.map((k) => [k, summarise(byServer[k], s.figures)]));
  results[name] = { workload: s.workload, config: s.config, serverOptions: s.serverOptions ?? {}, runs: byServer, median: medians };
  for (const [key, label] of s.figures) {
    const od = medians.od ? medians.od[key] : null;
    const baseline = medians.baseline ? medians.baseline[key] : null;
    if ((od === null || od === undefined) && (baseline === null || baseline === undefined)) continue;
    rows.push({ scenario: name, key, label, od, baseline, ratio: ratio(od, baseline) });
  }
}

fs.mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `${stamp}.json`);
const meta = {
  date: new Date().toISOString(),
  command: `node scripts/bench/run.mjs ${args.join(' ')}`.trim(),
  node: process.version,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  runs,
  quick,
  fdLimit,
  notes,
  durationS: Math.round((Date.now() - started) / 1000),
  loadAvgAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))),
};
fs.writeFileSync(file, `${JSON.stringify({ ...meta, table: rows, scenarios: results }, null, 2)}\n`);

console.log(`\nopen_discord bench — ${meta.date} — ${meta.cpus} × ${meta.cpuModel}, Node ${meta.node}, median of ${runs} run(s)`);
for (const n of notes) console.log(`note: ${n}`);
const busy = Object.values(results).flatMap((r) => Object.values(r.runs).flat()).filter((r) => r.loadAvg1?.[1] > meta.cpus + 1);
if (busy.length) console.log(`note: ${busy.length} run(s) ended with a 1-minute load average above ${meta.cpus + 1}: other work shared the CPUs; compare with care.`);
console.log(table(rows));
console.log(`\nwritten: ${path.relative(root, file)}${cpuProfDir ? `\nprofiles: ${path.relative(root, cpuProfDir)}` : ''} (${meta.durationS} s)`);
killAll();
process.exit(0);
