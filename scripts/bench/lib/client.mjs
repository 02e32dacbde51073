// A bare-bones WebSocket client for the load generator: raw `ws`, no schema validation, no reconnect.
// Frames carrying a latency stamp that are not replies are counted as deliveries without being parsed;
// everything else is parsed and dispatched (ready, replies, replay pages).
import WebSocket from 'ws';
import { findStamp, nowUs } from './latency.mjs';

const REPLY_KEY = Buffer.from('"replyTo"');

/**
 * Open a socket, authenticate and wait for `ready` (and for the end of the replay when resuming).
 * `meter` receives deliveries: meter.delivered(receivedAtUs, stampUs). `onReplay(frame)` sees replay pages.
 */
export function connectClient(baseUrl, token, { meter, resumeAfter, onReplay, timeoutMs = 30_000 } = {}) {
  const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/ws`;
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false, skipUTF8Validation: true });
  const pending = new Map();
  let nextId = 1;
  const client = {
    ws,
    ready: null,
    /** Live (not replaying): only then are stamped non-reply frames live deliveries. */
    live: false,
    closed: null,
    meter,
    /** Send a request; resolves with the reply frame (ok or not). */
    request(type, params = {}) {
      const id = String(nextId++);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, type, ...params }));
      });
    },
    /** Send a request without a promise; `onReply(frame)` is called with the parsed reply. */
    fire(type, params, onReply) {
      const id = String(nextId++);
      pending.set(id, { resolve: onReply, reject: () => {} });
      ws.send(JSON.stringify({ id, type, ...params }));
    },
    close() {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
    },
  };

  const handleParsed = (f, resolveReady) => {
    if (f.type === 'reply') {
      const p = pending.get(f.replyTo);
      if (p) {
        pending.delete(f.replyTo);
        p.resolve(f);
      }
    } else if (f.type === 'ready') {
      client.ready = f;
      if (!f.replaying) {
        client.live = true;
        resolveReady();
      }
    } else if (f.type === 'replay') {
      onReplay?.(f);
      if (!f.more) {
        client.live = true;
        resolveReady();
      }
    }
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('connect/auth timed out'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve(client);
    };
    ws.on('open', () => {
      const auth = { type: 'auth', token };
      if (resumeAfter !== undefined) auth.resumeAfter = resumeAfter;
      ws.send(JSON.stringify(auth));
    });
    ws.on('message', (data) => {
      // Hot path: a stamped frame that is not a reply is a delivery of a live event.
      const stamp = findStamp(data);
      if (stamp >= 0 && client.live && data.indexOf(REPLY_KEY) < 0) {
        meter?.delivered(nowUs(), stamp);
        return;
      }
      let f;
      try {
        f = JSON.parse(data);
      } catch {
        return;
      }
      handleParsed(f, done);
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    ws.on('close', (code, reason) => {
      client.closed = { code, reason: reason.toString() };
      clearTimeout(timer);
      for (const p of pending.values()) p.reject(new Error(`socket closed ${code}`));
      pending.clear();
      reject(new Error(`socket closed ${code} ${reason}`));
    });
  });
}

/** Connect many clients with bounded concurrency (a burst of thousands overflows the listen backlog). */
export async function connectMany(baseUrl, tokens, opts = {}, concurrency = 64) {
  const out = new Array(tokens.length);
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const i = next++;
      out[i] = await connectClient(baseUrl, tokens[i], opts);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tokens.length) }, worker));
  return out;
}
