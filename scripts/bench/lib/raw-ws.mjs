// A raw WebSocket client for the load generator, on node:net: the HTTP upgrade is done by hand, client
// frames are masked (RFC 6455 §5.3), and incoming data is parsed only as far as the frame headers. Every
// complete message is handed to `onMessage(buf, start, end)` synchronously, as a range of a Buffer that
// may be the process-wide read buffer: the handler must not keep `buf` (copy what it needs). That is what
// makes it cheap: no per-frame allocation, no UTF-8 decoding, no JSON parsing unless the handler wants it.
//
// All sockets of a process read into ONE buffer (net's `onread` option), so a read costs no allocation;
// a frame that straddles two reads is copied once into a buffer of its own size. Fragmented messages
// (FIN = 0 + continuation frames) are reassembled. Ping is answered with pong, close with close.
import { createHash, randomFillSync } from 'node:crypto';
import net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const MAX_MESSAGE = 256 * 1024 * 1024;
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Arrival time (µs, monotonic clock) of the read being processed: set once per read, before any frame
 * of it is handed on, so every message in one read gets the same arrival time at the cost of one clock call.
 */
export const readClock = { us: 0 };
export const monoUs = () => {
  const t = process.hrtime();
  return t[0] * 1e6 + Math.floor(t[1] / 1000);
};

// Masking keys come from a pool of random bytes, refilled when used up.
const maskPool = Buffer.allocUnsafe(64 * 1024);
let maskPos = maskPool.length;

/** One masked client frame (FIN set) holding `payload`, as a single Buffer. */
export function maskedFrame(opcode, payload) {
  const len = payload.length;
  const hl = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.allocUnsafe(hl + 4 + len);
  out[0] = 0x80 | opcode;
  if (hl === 2) out[1] = 0x80 | len;
  else if (hl === 4) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    out.writeUInt32BE(len >>> 0, 6);
  }
  if (maskPos + 4 > maskPool.length) {
    randomFillSync(maskPool);
    maskPos = 0;
  }
  const m0 = maskPool[maskPos];
  const m1 = maskPool[maskPos + 1];
  const m2 = maskPool[maskPos + 2];
  const m3 = maskPool[maskPos + 3];
  maskPos += 4;
  out[hl] = m0;
  out[hl + 1] = m1;
  out[hl + 2] = m2;
  out[hl + 3] = m3;
  const base = hl + 4;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    out[base + i] = payload[i] ^ m0;
    out[base + i + 1] = payload[i + 1] ^ m1;
    out[base + i + 2] = payload[i + 2] ^ m2;
    out[base + i + 3] = payload[i + 3] ^ m3;
  }
  const mask = [m0, m1, m2, m3];
  for (; i < len; i++) out[base + i] = payload[i] ^ mask[i & 3];
  return out;
}

/** Header length of a server frame whose first `have` bytes are in `b` at `p` (2 until the length byte is known). */
function headerLength(b, p, have) {
  if (have < 2) return 2;
  const l = b[p + 1] & 127;
  return l < 126 ? 2 : l === 126 ? 4 : 10;
}

function payloadLength(b, p) {
  const l = b[p + 1] & 127;
  if (l < 126) return l;
  if (l === 126) return b.readUInt16BE(p + 2);
  return b.readUInt32BE(p + 2) * 2 ** 32 + b.readUInt32BE(p + 6);
}

export class RawWs {
  constructor(socket, onMessage) {
    this.socket = socket;
    this.onMessage = onMessage;
    this.open = false;
    this.closed = null;
    /** Bytes of a frame header that straddles two reads. */
    this.hdr = Buffer.allocUnsafe(14);
    this.hdrFill = 0;
    /** A frame whose payload straddles reads: its first byte, a buffer of the payload's size, bytes filled. */
    this.partB0 = 0;
    this.part = null;
    this.partFill = 0;
    /** A fragmented message being reassembled: its opcode and payload pieces (copies). */
    this.fragOpcode = 0;
    this.frags = null;
    this.fragBytes = 0;
    /** Handshake bytes until the end of the response headers. */
    this.head = null;
    this.expectAccept = '';
  }

  /** Send a text (string) or binary (Buffer) message as one masked frame. */
  send(data) {
    if (this.closed) return false;
    const text = typeof data === 'string';
    return this.socket.write(maskedFrame(text ? 1 : 2, text ? Buffer.from(data) : data));
  }

  /** Write several messages in one go (one writev). */
  cork() {
    this.socket.cork();
  }
  uncork() {
    this.socket.uncork();
  }

  close() {
    if (!this.closed) this.closed = { code: 1005, reason: 'closed by client' };
    this.socket.destroy();
  }

  _fail(reason) {
    if (!this.closed) this.closed = { code: 1002, reason };
    this.socket.destroy();
  }

  /** Called with the read buffer and the byte count of one read. */
  _onRead(buf, n) {
    // The view bounds every search to this read's bytes (the rest of the shared buffer is stale).
    const view = buf.subarray(0, n);
    let pos = 0;
    if (!this.open) {
      pos = this._handshake(view);
      if (pos < 0 || pos >= n) return;
    }
    if (this.hdrFill > 0 || this.part) {
      pos = this._continue(view, pos);
      if (pos < 0) return;
    }
    while (pos < n) {
      const avail = n - pos;
      const hl = headerLength(view, pos, avail);
      if (avail < hl) {
        view.copy(this.hdr, 0, pos, n);
        this.hdrFill = avail;
        return;
      }
      const b0 = view[pos];
      if (view[pos + 1] & 0x80) return this._fail('masked server frame');
      const len = payloadLength(view, pos);
      const start = pos + hl;
      const end = start + len;
      if (end > n) {
        this._startPart(b0, len, view, start, n);
        return;
      }
      this._frame(b0, view, start, end);
      if (this.closed) return;
      pos = end;
    }
  }

  _startPart(b0, len, view, start, n) {
    if (len > MAX_MESSAGE) return this._fail('frame too large');
    this.partB0 = b0;
    this.part = Buffer.allocUnsafe(len);
    this.partFill = n - start;
    view.copy(this.part, 0, start, n);
  }

  /** Finish a header or payload left over from the previous read; returns the next position or -1. */
  _continue(view, pos) {
    const n = view.length;
    if (this.hdrFill > 0) {
      let need = headerLength(this.hdr, 0, this.hdrFill);
      while (this.hdrFill < need) {
        if (pos >= n) return -1;
        this.hdr[this.hdrFill++] = view[pos++];
        need = headerLength(this.hdr, 0, this.hdrFill);
      }
      this.hdrFill = 0;
      const b0 = this.hdr[0];
      if (this.hdr[1] & 0x80) {
        this._fail('masked server frame');
        return -1;
      }
      const len = payloadLength(this.hdr, 0);
      if (pos + len <= n) {
        this._frame(b0, view, pos, pos + len);
        return this.closed ? -1 : pos + len;
      }
      this._startPart(b0, len, view, pos, n);
      return -1;
    }
    const part = this.part;
    const take = Math.min(part.length - this.partFill, n - pos);
    view.copy(part, this.partFill, pos, pos + take);
    this.partFill += take;
    if (this.partFill < part.length) return -1;
    this.part = null;
    this._frame(this.partB0, part, 0, part.length);
    return this.closed ? -1 : pos + take;
  }

  _frame(b0, buf, start, end) {
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    if (opcode === 1 || opcode === 2) {
      if (fin) this.onMessage(buf, start, end, opcode === 1);
      else {
        this.fragOpcode = opcode;
        this.frags = [Buffer.from(buf.subarray(start, end))];
        this.fragBytes = end - start;
      }
    } else if (opcode === 0) {
      if (!this.frags) return this._fail('continuation without a first fragment');
      this.frags.push(Buffer.from(buf.subarray(start, end)));
      this.fragBytes += end - start;
      if (this.fragBytes > MAX_MESSAGE) return this._fail('message too large');
      if (fin) {
        const whole = Buffer.concat(this.frags, this.fragBytes);
        this.frags = null;
        this.onMessage(whole, 0, whole.length, this.fragOpcode === 1);
      }
    } else if (opcode === 9) {
      this.socket.write(maskedFrame(10, Buffer.from(buf.subarray(start, end))));
    } else if (opcode === 8) {
      const code = end - start >= 2 ? buf.readUInt16BE(start) : 1005;
      const reason = end - start > 2 ? buf.toString('utf8', start + 2, end) : '';
      this.closed = { code, reason };
      const echo = Buffer.allocUnsafe(2);
      echo.writeUInt16BE(code === 1005 ? 1000 : code, 0);
      this.socket.end(maskedFrame(8, echo));
    }
    // 10 (pong) and reserved opcodes: ignored.
  }

  /** Collect the upgrade response; returns the position of the first frame byte, or -1 (need more / failed). */
  _handshake(view) {
    this.head = this.head ? Buffer.concat([this.head, view]) : Buffer.from(view);
    const i = this.head.indexOf(HEADER_END);
    if (i < 0) {
      if (this.head.length > 16 * 1024) this._fail('upgrade response too long');
      return -1;
    }
    const text = this.head.toString('latin1', 0, i);
    const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
    const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(text)?.[1];
    if (status !== '101' || accept !== this.expectAccept) {
      this._fail(`upgrade refused: ${text.split('\r\n')[0]}`);
      return -1;
    }
    const rest = this.head.subarray(i + 4);
    this.head = null;
    this.open = true;
    this._resolveOpen?.();
    if (rest.length === 0) return view.length;
    // Frames that came with the response: parse them from a copy (rare: servers answer first).
    const copy = Buffer.from(rest);
    this._onRead(copy, copy.length);
    return view.length;
  }
}

/**
 * Connect and upgrade. Resolves with a RawWs once the 101 response is checked.
 * `onClose(ws)` is called once when the socket goes away (for any reason).
 */
export function connectRawWs({ host = '127.0.0.1', port, path = '/', onMessage, onClose, timeoutMs = 30_000 }) {
  return new Promise((resolve, reject) => {
    const keyBytes = Buffer.allocUnsafe(16);
    randomFillSync(keyBytes);
    const key = keyBytes.toString('base64');
    let ws;
    const socket = net.connect({
      host,
      port,
      onread: {
        buffer: READ_BUFFER,
        callback: (n, buf) => {
          readClock.us = monoUs();
          ws._onRead(buf, n);
        },
      },
    });
    ws = new RawWs(socket, onMessage);
    ws.expectAccept = createHash('sha1').update(key + GUID).digest('base64');
    const timer = setTimeout(() => ws._fail('upgrade timed out'), timeoutMs);
    ws._resolveOpen = () => {
      clearTimeout(timer);
      resolve(ws);
    };
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('error', (e) => {
      if (!ws.closed) ws.closed = { code: 1006, reason: String(e.message ?? e) };
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!ws.closed) ws.closed = { code: 1006, reason: 'socket closed' };
      if (!ws.open) reject(new Error(`websocket upgrade failed: ${ws.closed.reason}`));
      onClose?.(ws);
    });
  });
}
