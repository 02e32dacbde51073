#!/usr/bin/env node
// A receiver process of the fan-out generator (forked by workloads/fanout-raw.mjs, never by hand): it
// connects its share of the receiving clients, keeps their delivery ledger and answers over IPC. It has
// its own deadline and exits when its parent goes away.
//
// Messages from the parent: connect {proto, host, port, specs, nSenders, rooms, selfEcho, oper},
// reset {sinceUs}, counts, report {accepted}, close. Each is answered with {type: 'ok', reqId, ...}.
import { connectAll, connectIrc, connectOd, Ledger } from './lib/fanout-clients.mjs';

const deadlineS = Number(process.argv[2] ?? '600');
setTimeout(() => process.exit(3), deadlineS * 1000).unref();
process.on('disconnect', () => process.exit(0));

let ledger = null;
let clients = [];

const handlers = {
  async connect(m) {
    ledger = new Ledger({ nSenders: m.nSenders, rooms: m.rooms, selfEcho: m.selfEcho });
    const one =
      m.proto === 'irc'
        ? (spec) => connectIrc({ host: m.host, port: m.port, spec, ledger })
        : (spec) => connectOd({ host: m.host, port: m.port, spec, ledger });
    clients = await connectAll(m.specs, one, m.concurrency ?? 32);
    return { connected: clients.length };
  },
  reset(m) {
    ledger.reset(m.sinceUs);
    return {};
  },
  counts() {
    return ledger.counts();
  },
  report(m) {
    return ledger.report(m.accepted);
  },
  close() {
    for (const c of clients) c.close();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

process.on('message', async (m) => {
  const h = handlers[m?.type];
  if (!h) return;
  try {
    process.send({ type: 'ok', reqId: m.reqId, ...(await h(m)) });
  } catch (e) {
    process.send({ type: 'error', reqId: m.reqId, error: String(e?.stack ?? e) });
  }
});
process.send({ type: 'started' });
