// The benchmark scenarios: workload, sizes (full and --quick), server options, and which result fields
// the table shows. `better` says which direction is good, so the ratio can be read at a glance.
// `ngircd: true` marks the scenarios that also run against ngircd (the C IRC daemon used as an anchor).
const fanoutFigures = [
  ['acceptedPerSec', 'accepted msg/s', 'higher'],
  ['deliveriesPerSec', 'deliveries/s', 'higher'],
  ['latencyP50Ms', 'latency p50 ms', 'lower'],
  ['latencyP99Ms', 'latency p99 ms', 'lower'],
  ['latencyMaxMs', 'latency max ms', 'lower'],
  ['serverCpuUsPerDelivery', 'server CPU µs/delivery', 'lower'],
  ['serverCpuPct', 'server CPU %', 'info'],
  ['serverDemandPct', 'server CPU+wait %', 'info'],
  ['serverRssPeakMb', 'server RSS peak MB', 'lower'],
  ['bytesPerDelivery', 'bytes received per delivery', 'info'],
  ['generatorCpuPct', 'load-gen CPU % (busiest process)', 'info'],
  ['generatorDemandPct', 'load-gen CPU+wait % (busiest)', 'info'],
  ['missing', 'missing deliveries', 'lower'],
];

const fanout = (clients, rate, quick, description) => ({
  description,
  workload: 'fanout',
  ngircd: true,
  config: {
    clients: quick ? Math.min(clients, 100) : clients,
    senders: 10,
    window: 16,
    // Saturated: 6 000 messages = 1.2 M deliveries at 200 clients. Paced: 6 s (3 s quick) at `rate`,
    // 360 000 latency samples at 200 clients.
    messages: rate ? rate * (quick ? 3 : 6) : quick ? 2000 : 6000,
    rate,
    warmup: quick ? 200 : 500,
  },
  figures: fanoutFigures,
  deadlineS: 240,
});

/**
 * 1 000 clients in 100 rooms of 10. roomMode: how od clients become members of their room
 * (lib/setup.mjs: ROOM_MODES); IRC clients JOIN.
 */
const manyRooms = (description, roomMode, quick) => ({
  description,
  workload: 'fanout',
  ngircd: true,
  config: quick
    ? { clients: 200, rooms: 20, senders: 20, window: 8, messages: 2000, warmup: 200, roomMode }
    : { clients: 1000, rooms: 100, senders: 100, window: 4, messages: 10_000, warmup: 1000, roomMode },
  figures: fanoutFigures,
  deadlineS: 300,
});

export function scenarios({ quick }) {
  return {
    'fanout-200-saturated': fanout(200, 0, quick, '200 clients in one room, 10 senders with 16 messages in flight each'),
    'fanout-100-saturated': fanout(100, 0, quick, 'the same with 100 clients'),
    'fanout-200-paced': fanout(200, 300, quick, '200 clients, 300 msg/s offered by 10 senders: latency at a busy rate'),
    'fanout-100-paced': fanout(100, 300, quick, 'the same with 100 clients'),
    'fanout-1000': {
      description: '1 000 clients in one room, 10 senders with 16 in flight each (3 M deliveries)',
      workload: 'fanout',
      ngircd: true,
      config: quick
        ? { clients: 300, senders: 10, window: 16, messages: 1000, warmup: 100 }
        : { clients: 1000, senders: 10, window: 16, messages: 3000, warmup: 300 },
      figures: fanoutFigures,
      deadlineS: 300,
    },
    'many-rooms': manyRooms('1 000 clients in 100 rooms of 10, one sender per room with 4 in flight', 'joined', quick),
    'many-rooms-restricted': manyRooms('many-rooms, each room also restricted to a role of its own', 'restricted', quick),
    catchup: {
      description: 'a client 100 000 events behind resumes; then a fresh client loads the snapshot',
      workload: 'catchup',
      // By default od answers a resume more than 10 000 events back with snapshotRequired; the threshold is
      // raised here so the 100 000-event replay itself is measured. If a server still refuses, the longest
      // replay it allows (replayWithin) is measured as well.
      config: quick ? { behind: 20_000, replayWithin: 10_000 } : { behind: 100_000, replayWithin: 10_000 },
      serverOptions: { snapshotThreshold: 1_000_000 },
      figures: [
        ['writeMsgsPerSec', 'bulk write msg/s (4 senders)', 'higher'],
        ['resume.eventsPerSec', 'resume: replayed events/s', 'higher'],
        ['resume.untilLiveMs', 'resume: ms until live', 'lower'],
        ['resume.snapshotRequired', 'resume: snapshot required', 'info'],
        ['resumeWithin.eventsPerSec', 'resume within limit: events/s', 'higher'],
        ['resumeWithin.untilLiveMs', 'resume within limit: ms until live', 'lower'],
        ['snapshot.snapshotMs', 'snapshot: state + history ms', 'lower'],
      ],
      deadlineS: 300,
    },
    'idle-1000': {
      description: 'memory per idle authenticated connection, 1 000 connections',
      workload: 'idle',
      // Five connections per account (several devices), so the setup is not dominated by signups.
      config: { connections: quick ? 500 : 1000, connsPerUser: 5 },
      figures: idleFigures,
      deadlineS: 180,
    },
    'idle-5000': {
      description: 'the same with 5 000 connections',
      workload: 'idle',
      config: { connections: quick ? 1000 : 5000, connsPerUser: 5 },
      figures: idleFigures,
      deadlineS: 240,
      fds: true,
    },
    'login-storm': {
      description: 'chat latency while 20 password logins/s arrive (real bcrypt cost)',
      workload: 'login-storm',
      config: quick
        ? { clients: 50, users: 10, rate: 100, loginRate: 20, calmMs: 2000, stormMs: 3000 }
        : { clients: 50, users: 10, rate: 100, loginRate: 20, calmMs: 4000, stormMs: 8000 },
      // Real password hashing: the server's default bcrypt cost, not the bench's cheap one.
      serverOptions: { bcryptCost: null },
      figures: [
        ['calmP99Ms', 'msg latency p99 ms, no logins', 'lower'],
        ['stormP50Ms', 'msg latency p50 ms, 20 logins/s', 'lower'],
        ['stormP99Ms', 'msg latency p99 ms, 20 logins/s', 'lower'],
        ['stormMaxMs', 'msg latency max ms, 20 logins/s', 'lower'],
        ['completedPerSec', 'logins completed/s', 'higher'],
        ['loginP99Ms', 'login p99 ms', 'lower'],
      ],
      deadlineS: 240,
    },
    'abuse-flood': {
      description: "a healthy client's round trips while 100 hostile sockets flood malformed frames (meant for od)",
      workload: 'abuse-flood',
      // 100 hostile sockets (13 accounts, 2 loopback addresses) sending malformed frames of up to 60 KB at
      // 3 000 frames/s for 8 s (4 s quick), reconnecting when closed; a healthy client's round trips.
      config: quick
        ? { sockets: 100, hostileAccounts: 13, ratePerSec: 3000, calmMs: 2000, floodMs: 4000 }
        : { sockets: 100, hostileAccounts: 13, ratePerSec: 3000, calmMs: 4000, floodMs: 8000 },
      // The server's own abuse limits, not the bench's relaxed ones.
      serverOptions: {
        frameRate: { perSec: 500, burst: 1000 },
        maxConnectionsPerIp: 64,
        maxConnectionsPerUser: 8,
        readRate: { perSec: 100, burst: 1000 },
      },
      figures: [
        ['calmP99Ms', 'healthy round trip p99 ms, calm', 'lower'],
        ['floodP50Ms', 'healthy round trip p50 ms, flood', 'lower'],
        ['floodP99Ms', 'healthy round trip p99 ms, flood', 'lower'],
        ['floodMaxMs', 'healthy round trip max ms, flood', 'lower'],
        ['floodFramesSent', 'hostile frames offered', 'info'],
        ['floodConnects', 'hostile (re)connections', 'info'],
      ],
      deadlineS: 120,
    },
  };
}

const idleFigures = [
  ['rssPerConnKb', 'RSS per idle connection KB', 'lower'],
  ['heapPerConnKb', 'JS heap per idle connection KB', 'lower'],
  ['rssAfterMb', 'server RSS with all connected MB', 'lower'],
  ['connectPerSec', 'connect+auth per s', 'higher'],
];
