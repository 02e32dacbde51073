#!/usr/bin/env node
// The load generator: runs one workload against a server, prints one JSON result line and exits. A hard
// deadline makes sure it always stops.
//
// `fanout` is the raw generator (workloads/fanout-raw.mjs: node:net WebSocket/IRC clients, byte search for
// the marker, receivers optionally in child processes) and drives od-server, the baseline and ngircd
// (url irc://…). `fanout-ws` is the former generator on the `ws` library, kept for comparison
// (`run.mjs --generator ws`). The other workloads use `ws` clients (their load is not fan-out).
//
// Usage: node scripts/bench/load-gen.mjs --url http://127.0.0.1:PORT --workload fanout \
//          --config '{"clients":200,"senders":10,"messages":5000}' [--server-pid PID] [--deadline-s 300]
import { fanout as fanoutWs } from './workloads/fanout.mjs';
import { fanoutRaw } from './workloads/fanout-raw.mjs';
import { catchup } from './workloads/catchup.mjs';
import { idle } from './workloads/idle.mjs';
import { loginStorm } from './workloads/login-storm.mjs';
import { abuseFlood } from './workloads/abuse-flood.mjs';

const WORKLOADS = { fanout: fanoutRaw, 'fanout-ws': fanoutWs, catchup, idle, 'login-storm': loginStorm, 'abuse-flood': abuseFlood };

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

const url = opt('--url');
const name = opt('--workload');
const cfg = JSON.parse(opt('--config', '{}'));
const serverPid = opt('--server-pid') ? Number(opt('--server-pid')) : undefined;
const deadlineS = Number(opt('--deadline-s', '300'));

function finish(line, code) {
  process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(code));
}

const deadline = setTimeout(() => finish({ ok: false, error: `deadline of ${deadlineS}s reached` }, 2), deadlineS * 1000);
deadline.unref();

if (!url || !WORKLOADS[name]) {
  finish({ ok: false, error: `usage: --url URL --workload ${Object.keys(WORKLOADS).join('|')} --config JSON` }, 1);
} else {
  WORKLOADS[name](url, cfg, { serverPid, deadlineS })
    .then((result) => finish({ ok: true, workload: name, result }, 0))
    .catch((e) => finish({ ok: false, workload: name, error: String(e?.stack ?? e) }, 1));
}
