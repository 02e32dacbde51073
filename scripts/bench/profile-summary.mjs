#!/usr/bin/env node
// Summarise a V8 .cpuprofile (from `run.mjs --cpu-prof`): the functions with the most self time and the
// most inclusive time. Blocking system calls made from JS (SQLite's fsync) count as time in the native
// function that made them, so a commit-bound server shows it here too.
//
// Usage: node scripts/bench/profile-summary.mjs FILE.cpuprofile [--top 25] [--under FUNCTION]
// --under: only samples with FUNCTION on the stack (e.g. --under runBatch, --under publish).
import fs from 'node:fs';
import path from 'node:path';

const file = process.argv[2];
if (!file) {
  console.error('usage: profile-summary.mjs FILE.cpuprofile [--top N]');
  process.exit(1);
}
const topIdx = process.argv.indexOf('--top');
const top = topIdx > 0 ? Number(process.argv[topIdx + 1]) : 25;
const underIdx = process.argv.indexOf('--under');
const under = underIdx > 0 ? process.argv[underIdx + 1] : null;
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample weights: timeDeltas[i] is the time before sample i.
const selfUs = new Map();
prof.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
const onStack = (id, name) => {
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur).callFrame.functionName === name) return true;
  return false;
};
if (under) for (const id of [...selfUs.keys()]) if (!onStack(id, under)) selfUs.delete(id);
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};

const self = new Map();
const incl = new Map();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  self.set(label(n), (self.get(label(n)) ?? 0) + us);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur));
    if (seen.has(l)) continue; // recursion counts once
    seen.add(l);
    incl.set(l, (incl.get(l) ?? 0) + us);
  }
}

const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [l, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${l}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled${under ? ` under ${under}` : ''}`);
show('self time', self);
show('inclusive time', incl);
