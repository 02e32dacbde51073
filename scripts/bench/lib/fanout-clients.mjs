// The fan-out generator's clients and its delivery ledger, shared by the main generator process and its
// receiver processes (load-gen-shard.mjs).
//
// Two protocol adapters, one ledger:
//   od  — od-server and the baseline: raw WebSocket (raw-ws.mjs); `auth` → `ready` is parsed as JSON (a few
//         control frames per client); after that, a receiver only byte-searches each frame for the marker,
//         and a sender parses only its own `reply` frames (one per message it sent: its acknowledgement).
//   irc — ngircd: NICK/USER, (senders: OPER + user mode +F, see docs/benchmarks.md), JOIN; after that a
//         receiver byte-searches complete lines for markers; a sender follows each PRIVMSG with
//         `PING :<seq>` and counts the matching PONG as that message's acknowledgement.
import net from 'node:net';
import { connectRawWs, monoUs, READ_BUFFER, readClock } from './raw-ws.mjs';
import { schedStat } from './proc-stats.mjs';
import { findMarker, Histogram, parsed, parseMarkerAt } from './marker.mjs';

const REPLY_PREFIX = Buffer.from('{"type":"reply"');

/**
 * The delivery ledger of one generator process: for each of its clients ("slots") and each sender, how
 * many distinct messages arrived and the last sequence number seen. A sender's messages reach a room in
 * order, so a sequence number at or below the last one seen is a duplicate (or out of order) and is not
 * counted. After the phase, every slot's count is compared with what its room was sent (`report`), so a
 * delivery that never arrived is counted missing, per client, and cannot be hidden by another client's
 * extra ones.
 */
export class Ledger {
  constructor({ nSenders, rooms, selfEcho }) {
    this.nSenders = nSenders;
    this.rooms = rooms;
    this.selfEcho = selfEcho;
    this.clientOf = [];
    this.lastSeq = [];
    this.got = [];
    this.closedSlots = new Set();
    this.sockets = [];
    this.bytes0 = 0;
    this.hist = new Histogram();
    this.deliveries = 0;
    this.duplicates = 0;
    this.foreign = 0;
    this.lastAtUs = 0;
    this.sinceUs = 0;
    this.cpu0 = process.cpuUsage();
    this.sched0 = schedStat();
    this.t0 = monoUs();
  }

  addSlot(clientIndex) {
    this.clientOf.push(clientIndex);
    this.lastSeq.push(new Int32Array(this.nSenders).fill(-1));
    this.got.push(new Uint32Array(this.nSenders));
    return this.clientOf.length - 1;
  }

  /** One marker seen by `slot` (the marker itself is in `parsed`). */
  deliver(slot) {
    const us = parsed.us;
    if (us < this.sinceUs) return; // a straggler from before this phase
    const sender = parsed.sender;
    const last = this.lastSeq[slot];
    if (sender >= last.length) {
      this.foreign++;
      return;
    }
    if (parsed.seq <= last[sender]) {
      this.duplicates++;
      return;
    }
    last[sender] = parsed.seq;
    this.got[slot][sender]++;
    this.deliveries++;
    const now = readClock.us;
    this.lastAtUs = now;
    this.hist.add(now - us);
  }

  closed(slot) {
    this.closedSlots.add(slot);
  }

  /** Count this socket's received bytes in the phase figures. */
  trackSocket(socket) {
    this.sockets.push(socket);
  }

  bytesRead() {
    let n = 0;
    for (const s of this.sockets) n += s.bytesRead;
    return n;
  }

  /** Start a phase: counts, latency and this process's CPU clock start again. */
  reset(sinceUs) {
    for (const g of this.got) g.fill(0);
    this.hist.reset();
    this.deliveries = 0;
    this.duplicates = 0;
    this.foreign = 0;
    this.lastAtUs = 0;
    this.sinceUs = sinceUs;
    this.bytes0 = this.bytesRead();
    this.cpu0 = process.cpuUsage();
    this.sched0 = schedStat();
    this.t0 = monoUs();
  }

  counts() {
    return { deliveries: this.deliveries, lastAtUs: this.lastAtUs };
  }

  /**
   * Compare every slot with what was accepted from each sender during the phase (`accepted[k]`);
   * sender k is client k and sits in room k % rooms, client c in room c % rooms.
   */
  report(accepted) {
    const perRoom = new Float64Array(this.rooms);
    accepted.forEach((a, k) => (perRoom[k % this.rooms] += a));
    let missing = 0;
    let extra = 0;
    let expected = 0;
    let clientsMissing = 0;
    for (let s = 0; s < this.clientOf.length; s++) {
      const c = this.clientOf[s];
      let want = perRoom[c % this.rooms];
      if (!this.selfEcho && c < this.nSenders) want -= accepted[c];
      let have = 0;
      for (const g of this.got[s]) have += g;
      expected += want;
      if (have < want) {
        missing += want - have;
        clientsMissing++;
      } else extra += have - want;
    }
    const cpu = process.cpuUsage(this.cpu0);
    const wallUs = Math.max(1, monoUs() - this.t0);
    const sched = schedStat();
    const waitPct = sched && this.sched0 ? Number((((sched.waitUs - this.sched0.waitUs) / wallUs) * 100).toFixed(1)) : null;
    return {
      pid: process.pid,
      clients: this.clientOf.length,
      expected,
      deliveries: this.deliveries,
      missing,
      extra,
      clientsMissing,
      duplicates: this.duplicates,
      foreign: this.foreign,
      droppedClients: this.closedSlots.size,
      lastAtUs: this.lastAtUs,
      bytesRead: this.bytesRead() - this.bytes0,
      hist: this.hist.toJSON(),
      cpuPct: Number((((cpu.user + cpu.system) / wallUs) * 100).toFixed(1)),
      cpuUserPct: Number(((cpu.user / wallUs) * 100).toFixed(1)),
      // Runnable but not running (another process had the CPU): main thread only.
      waitPct,
    };
  }
}

const withTimeout = (p, ms, what) =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${typeof what === 'function' ? what() : what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

/**
 * od / baseline client. `spec`: {index, token, roomId}. With `asSender`, the returned client can
 * `transmit(seq, text)` and calls `client.onAck(ok, code)` for each reply.
 */
export async function connectOd({ host, port, spec, ledger, asSender = false, timeoutMs = 30_000 }) {
  const slot = ledger.addSlot(spec.index);
  let live = false;
  let readyResolve;
  let readyReject;
  const ready = new Promise((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  ready.catch(() => {}); // a socket that fails before the upgrade rejects connectRawWs instead
  const client = { slot, index: spec.index, ws: null, onAck: null, closed: false };
  const onMessage = (buf, start, end) => {
    if (live) {
      if (asSender && end - start > 15 && buf.compare(REPLY_PREFIX, 0, 15, start, start + 15) === 0) {
        let f;
        try {
          f = JSON.parse(buf.toString('utf8', start, end));
        } catch {
          return;
        }
        client.onAck?.(f.ok === true, f.ok ? null : (f.error?.code ?? 'UNKNOWN'));
        return;
      }
      const at = findMarker(buf, start, end);
      if (at >= 0 && parseMarkerAt(buf, at, end)) ledger.deliver(slot);
      return;
    }
    let f;
    try {
      f = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      return;
    }
    if ((f.type === 'ready' && !f.replaying) || (f.type === 'replay' && !f.more)) {
      live = true;
      readyResolve();
    }
  };
  const onClose = (ws) => {
    client.closed = true;
    ledger.closed(slot);
    client.onClose?.();
    readyReject(new Error(`socket closed before ready: ${ws.closed?.code} ${ws.closed?.reason}`));
  };
  const ws = await connectRawWs({ host, port, path: '/ws', onMessage, onClose, timeoutMs });
  client.ws = ws;
  ledger.trackSocket(ws.socket);
  ws.send(JSON.stringify({ type: 'auth', token: spec.token }));
  await withTimeout(ready, timeoutMs, 'auth');
  if (asSender) {
    const head = `","type":"message.send","roomId":${JSON.stringify(spec.roomId)},"text":"`;
    client.transmit = (seq, text) => ws.send(`{"id":"${seq}${head}${text}","nonce":"n${spec.index}-${seq}"}`);
    client.cork = () => ws.cork();
    client.uncork = () => ws.uncork();
  }
  client.close = () => ws.close();
  return client;
}

const NL = 10;
const PING = Buffer.from('PING :');
const PONG = Buffer.from(' PONG ');

/**
 * IRC client (ngircd). `spec`: {index, nick, channel}. Registration and JOIN are read as text lines;
 * once live, only complete lines are searched (a line cut by the read boundary is carried to the next
 * read), so a marker is never counted twice or half.
 */
export function connectIrc({ host, port, spec, ledger, asSender = false, oper = null, timeoutMs = 30_000 }) {
  const slot = ledger.addSlot(spec.index);
  const client = { slot, index: spec.index, socket: null, onAck: null, closed: false };
  let live = false;
  let carry = null;
  let textLines = '';
  let step = 'register';
  let resolveLive;
  let rejectLive;
  const liveP = new Promise((res, rej) => {
    resolveLive = res;
    rejectLive = rej;
  });
  const write = (s) => socket.write(s);

  const recent = [];
  const onLine = (line) => {
    // Registration and JOIN: a handful of lines per client, read as text.
    recent.push(line);
    if (recent.length > 4) recent.shift();
    const m = /^(?::\S+ )?(\S+)(?: (.*))?$/.exec(line);
    if (!m) return;
    const cmd = m[1];
    if (cmd === 'PING') return write(`PONG ${m[2] ?? ''}\r\n`);
    if (cmd === 'ERROR' || cmd === '433' || cmd === '432' || cmd === '464' || cmd === '491' || cmd === '501' || cmd === '405' || cmd === '471') {
      rejectLive(new Error(`${spec.nick}: ${line}`));
      return;
    }
    if (step === 'register' && (cmd === '376' || cmd === '422')) {
      if (oper) {
        step = 'oper';
        write(`OPER ${oper.name} ${oper.password}\r\n`);
      } else {
        step = 'join';
        write(`JOIN ${spec.channel}\r\n`);
      }
    } else if (step === 'oper' && cmd === '381') {
      step = 'mode';
      write(`MODE ${spec.nick} +F\r\n`);
    } else if (step === 'mode' && cmd === 'MODE' && /\+\S*F/.test(m[2] ?? '')) {
      step = 'join';
      write(`JOIN ${spec.channel}\r\n`);
    } else if (step === 'join' && cmd === '366') {
      step = 'live';
      live = true;
      resolveLive();
    }
  };

  // Once live: markers, the server's PINGs, and (senders) the PONGs that acknowledge messages.
  const region = (buf, start, end) => {
    let i = findMarker(buf, start, end);
    while (i >= 0) {
      if (parseMarkerAt(buf, i, end)) ledger.deliver(slot);
      i = findMarker(buf, i + 2, end);
    }
    let p = buf.indexOf(PING, start);
    while (p >= 0 && p < end) {
      const eol = buf.indexOf(NL, p);
      write(`PONG :${buf.toString('latin1', p + 6, eol).trim()}\r\n`);
      p = buf.indexOf(PING, eol);
    }
    if (asSender) {
      let q = buf.indexOf(PONG, start);
      while (q >= 0 && q < end) {
        client.onAck?.(true, null);
        q = buf.indexOf(PONG, q + 6);
      }
    }
  };

  const onRead = (n, buf) => {
    readClock.us = monoUs();
    const view = buf.subarray(0, n);
    if (!live) {
      textLines += view.toString('latin1');
      let nl;
      while (!live && (nl = textLines.indexOf('\n')) >= 0) {
        const line = textLines.slice(0, nl).replace(/\r$/, '');
        textLines = textLines.slice(nl + 1);
        onLine(line);
      }
      if (live && textLines.length) {
        const rest = Buffer.from(textLines, 'latin1');
        textLines = '';
        processLive(rest, rest.length);
      }
      return;
    }
    processLive(view, n);
  };

  const processLive = (view, n) => {
    let pos = 0;
    if (carry) {
      const nl = view.indexOf(NL);
      if (nl < 0) {
        carry = Buffer.concat([carry, view]);
        return;
      }
      const line = Buffer.concat([carry, view.subarray(0, nl + 1)]);
      carry = null;
      region(line, 0, line.length);
      pos = nl + 1;
    }
    const last = view.lastIndexOf(NL);
    if (last < pos) {
      if (pos < n) carry = Buffer.from(view.subarray(pos));
      return;
    }
    region(view, pos, last + 1);
    if (last + 1 < n) carry = Buffer.from(view.subarray(last + 1));
  };

  const socket = net.connect({ host, port, onread: { buffer: READ_BUFFER, callback: onRead } });
  client.socket = socket;
  ledger.trackSocket(socket);
  socket.setNoDelay(true);
  socket.on('connect', () => write(`NICK ${spec.nick}\r\nUSER ${spec.nick} 0 * :od bench\r\n`));
  socket.on('error', () => {});
  socket.on('close', () => {
    client.closed = true;
    ledger.closed(slot);
    client.onClose?.();
    rejectLive(new Error(`${spec.nick}: connection closed during ${step}`));
  });
  if (asSender) {
    client.transmit = (seq, text) => socket.write(`PRIVMSG ${spec.channel} :${text}\r\nPING :${seq}\r\n`);
    client.cork = () => socket.cork();
    client.uncork = () => socket.uncork();
  }
  client.close = () => socket.destroy();
  return withTimeout(liveP, timeoutMs, () => `${spec.nick} registration (${socket.connecting ? 'TCP connect pending' : `step ${step}`}, last lines: ${JSON.stringify(recent)})`).then(
    () => client,
    (e) => {
      socket.destroy();
      throw e;
    },
  );
}

/** Connect many clients with bounded concurrency (a burst of thousands overflows the listen backlog). */
export async function connectAll(specs, connectOne, concurrency = 64) {
  const out = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      out[i] = await connectOne(specs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  return out;
}

