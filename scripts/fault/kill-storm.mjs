#!/usr/bin/env node
/*
 * Soak mode of the kill -9 crash-safety test (test/reliability/kill-storm.test.ts): many more SIGKILL cycles,
 * optionally several runs with consecutive seeds. CI runs the same test with 10 cycles.
 *
 *   node scripts/fault/kill-storm.mjs --cycles 100            # one run, 100 kill/restart cycles
 *   node scripts/fault/kill-storm.mjs --cycles 50 --runs 5    # five runs, seeds seed..seed+4
 *   node scripts/fault/kill-storm.mjs --seed 12345            # reproduce a failure printed by a run
 *
 * The server is bundled from source by the test itself; no build step is needed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '100' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000_000) },
    runs: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: node scripts/fault/kill-storm.mjs [--cycles N] [--seed S] [--runs R]');
  process.exit(0);
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const vitest = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));
const cycles = Number(values.cycles);
const runs = Number(values.runs);
const seed = Number(values.seed);
if (![cycles, runs, seed].every(Number.isInteger) || cycles < 1 || runs < 1) {
  console.error('--cycles, --runs and --seed must be positive integers');
  process.exit(2);
}

for (let run = 0; run < runs; run++) {
  const runSeed = seed + run;
  console.log(`kill-storm run ${run + 1}/${runs}: ${cycles} cycles, seed ${runSeed}`);
  const r = spawnSync(process.execPath, [vitest, 'run', 'test/reliability/kill-storm.test.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, OD_FAULT_CYCLES: String(cycles), OD_FAULT_SEED: String(runSeed) },
  });
  if (r.status !== 0) {
    console.error(`kill-storm failed with seed ${runSeed}; reproduce with --seed ${runSeed} --cycles ${cycles}`);
    process.exit(r.status ?? 1);
  }
}
console.log(`kill-storm: ${runs} run(s) × ${cycles} cycles passed`);
