// Measured sending phases shared by the workloads: saturated (each sender keeps a window of messages in
// flight) and paced (a fixed offered rate across all senders), and the wait for deliveries to drain.
import { nowUs, stampedText } from './latency.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One counter for the whole process: nonces are idempotency keys, so a nonce reused by a later phase
// would be answered with the earlier message and never published again.
let seq = 0;

function makeSend(pad, tally) {
  return (sender, done) => {
    const n = seq++;
    tally.sent++;
    tally.inflight++;
    sender.client.fire(
      'message.send',
      { roomId: sender.roomId, text: stampedText(`s${n}`, pad), nonce: `n${sender.tag}-${n}` },
      (reply) => {
        tally.inflight--;
        tally.lastAckUs = nowUs();
        if (reply.ok) tally.accepted++;
        else tally.errors[reply.error?.code ?? 'UNKNOWN'] = (tally.errors[reply.error?.code ?? 'UNKNOWN'] ?? 0) + 1;
        done?.();
      },
    );
  };
}

const newTally = () => ({ sent: 0, accepted: 0, inflight: 0, errors: {}, lastAckUs: 0, startUs: nowUs() });

/** Each sender sends its share of `messages`, keeping up to `window` unacknowledged. */
export function runSaturated(senders, { messages, window, pad }) {
  const tally = newTally();
  const send = makeSend(pad, tally);
  return new Promise((resolve, reject) => {
    let finished = 0;
    senders.forEach((sender, k) => {
      const quota = Math.floor(messages / senders.length) + (k < messages % senders.length ? 1 : 0);
      let sent = 0;
      let acked = 0;
      const pump = () => {
        while (sent - acked < window && sent < quota) {
          sent++;
          send(sender, onAck);
        }
      };
      const onAck = () => {
        acked++;
        if (acked === quota) {
          if (++finished === senders.length) resolve(tally);
        } else pump();
      };
      sender.client.ws.once('close', (code) => reject(new Error(`sender closed ${code}`)));
      if (quota === 0) {
        if (++finished === senders.length) resolve(tally);
      } else pump();
    });
  });
}

/** Offer `rate` messages/s in total, round-robin over the senders, for `messages` messages. */
export function runPaced(senders, { messages, rate, pad, maxInflight = 20_000 }) {
  const tally = newTally();
  const send = makeSend(pad, tally);
  return pacedLoop(senders, send, tally, { messages, rate, maxInflight, startUs: tally.startUs, clockUs: nowUs });
}

/**
 * The paced sending loop both generators share: every 2 ms, send what is due by now at `rate` (round-robin
 * over the senders) unless more than `maxInflight` are unanswered (then the run is marked overloaded).
 * Resolves with `tally` once all `messages` were sent and acknowledged.
 */
export function pacedLoop(senders, send, tally, { messages, rate, maxInflight, startUs, clockUs }) {
  return new Promise((resolve) => {
    let acked = 0;
    const onAck = () => {
      if (++acked === tally.sent && tally.sent === messages) resolve(tally);
    };
    const timer = setInterval(() => {
      const due = Math.min(messages, Math.floor(((clockUs() - startUs) / 1e6) * rate));
      while (tally.sent < due) {
        if (tally.inflight > maxInflight) {
          tally.overloaded = true;
          break;
        }
        send(senders[tally.sent % senders.length], onAck);
      }
      if (tally.sent >= messages) clearInterval(timer);
    }, 2);
  });
}

/** Wait until `expected` deliveries arrived, or nothing arrived for `quietMs`. */
export async function drain(meter, expected, { quietMs = 3000, limitMs = 120_000 } = {}) {
  const start = nowUs();
  let lastSeen = meter.deliveries;
  let lastChange = start;
  while (meter.deliveries < expected) {
    await sleep(10);
    const now = nowUs();
    if (meter.deliveries !== lastSeen) {
      lastSeen = meter.deliveries;
      lastChange = now;
    }
    if (now - lastChange > quietMs * 1000 || now - start > limitMs * 1000) break;
  }
  return expected - meter.deliveries;
}
