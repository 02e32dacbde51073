#!/usr/bin/env node
// od-server in its own process for the benchmarks, so that its CPU time and memory can be measured
// apart from the load generator. Starts the BUILT server (packages/server/dist) with bench-friendly
// options, announces its address and answers stats requests over IPC (see lib/child-ipc.mjs).
//
// Usage (normally forked by run.mjs): node --expose-gc od-server-child.mjs '<json options>'
import { announce, serveStats } from './lib/child-ipc.mjs';

const { startServer } = await import('../../packages/server/dist/index.js');

const opts = JSON.parse(process.argv[2] ?? '{}');
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  registration: 'open',
  synchronous: 'full',
  // A load generator on one address opens thousands of sockets; the real limits are exercised by tests.
  maxConnectionsPerIp: 100_000,
  maxConnectionsPerUser: 10_000,
  // Without `writeRates`, null turns every per-user write bucket off (messages, reactions, uploads, …): the
  // senders are saturated on purpose. flooder.mjs turns them back on.
  messageRate: null,
  // The upload bench sends the same user's 20 MB files over and over.
  uploadQuotaBytes: null,
  // Every bench account signs up and logs in from 127.0.0.1; the auth buckets are tested elsewhere.
  authRate: null,
  // The per-connection frame budget (an abuse guard, 500 frames/s by default) would cut off a bench
  // sender that keeps a window of messages in flight; throughput is what is measured here.
  frameRate: { perSec: 1_000_000, burst: 1_000_000 },
  // The per-user read bucket (sync and state cost 20, history 5) guards against read floods; the catch-up
  // scenario's readers page through 100 000 events as fast as they can, which is what it measures.
  readRate: null,
  log: () => {},
  ...opts,
});

// The first-run invite makes the setup account the owner (it creates rooms and roles); open registration
// alone gives ordinary members.
announce({ url: `http://127.0.0.1:${server.port}`, port: server.port, pid: process.pid, ownerInvite: server.firstRunInvite });
serveStats(() => server.close());
const stop = () => Promise.resolve(server.close()).finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
