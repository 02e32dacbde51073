import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectIrc, Ledger } from '../scripts/bench/lib/fanout-clients.mjs';
import { findMarker, Histogram, markerText, monoUs, parsed, parseMarkerAt } from '../scripts/bench/lib/marker.mjs';
import { connectRawWs, RawWs } from '../scripts/bench/lib/raw-ws.mjs';

/*
 * The bench's raw load generator (scripts/bench/lib): its WebSocket client against a real `ws` server on
 * 127.0.0.1, its frame parser fed by hand-cut reads, its IRC line handling against a scripted IRC server,
 * and the delivery ledger that counts missing deliveries. No timing is asserted anywhere.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function wsServer(onConnection: (ws: WebSocket) => void): Promise<number> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });
  wss.on('connection', onConnection);
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  );
  return (wss.address() as AddressInfo).port;
}

/** An unmasked server frame, as a server would send it. */
function serverFrame(payload: Buffer, { opcode = 1, fin = true } = {}): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = (fin ? 0x80 : 0) | opcode;
  if (len < 126) head[1] = len;
  else if (len < 65536) {
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 127;
    head.writeUInt32BE(0, 2);
    head.writeUInt32BE(len, 6);
  }
  return Buffer.concat([head, payload]);
}

describe('raw WebSocket client', () => {
  it('upgrades and sends masked text and binary frames that a ws server accepts', async () => {
    const got: Array<{ data: string; binary: boolean }> = [];
    let done: () => void = () => {};
    const allIn = new Promise<void>((resolve) => (done = resolve));
    const port = await wsServer((ws) => {
      ws.on('message', (data, isBinary) => {
        got.push({ data: Buffer.from(data as Buffer).toString('latin1'), binary: isBinary });
        if (got.length === 4) done();
      });
    });
    const client = await connectRawWs({ port, path: '/', onMessage: () => {} });
    cleanups.push(() => client.close());
    const big = Buffer.alloc(70_000, 'x'); // 64-bit length
    const mid = 'm'.repeat(1000); // 16-bit length
    client.send('hello');
    client.send(mid);
    client.send(big);
    client.send('{"type":"auth","token":"é"}');
    await allIn;
    // A `ws` server closes on an unmasked client frame (1002); these arrived intact, so they were masked.
    expect(got).toEqual([
      { data: 'hello', binary: false },
      { data: mid, binary: false },
      { data: big.toString('latin1'), binary: true },
      { data: Buffer.from('{"type":"auth","token":"é"}').toString('latin1'), binary: false },
    ]);
    expect(client.closed).toBeNull();
  });

  it('reassembles large and fragmented messages and answers a ping between fragments', async () => {
    const large = `{"text":"${markerText(3, 41, 123456)}${'y'.repeat(300_000)}"}`; // larger than one read
    let pong: () => void = () => {};
    const ponged = new Promise<void>((resolve) => (pong = resolve));
    const port = await wsServer((ws) => {
      ws.on('pong', (data) => {
        if (data.toString() === 'are-you-there') pong();
      });
      ws.send(large);
      ws.send('part-one|', { fin: false });
      ws.ping('are-you-there');
      ws.send(`${markerText(7, 8, 9)}|`, { fin: false });
      ws.send('end', { fin: true });
      ws.send('after');
    });
    const messages: string[] = [];
    const markers: Array<[number, number, number]> = [];
    let received: () => void = () => {};
    const allIn = new Promise<void>((resolve) => (received = resolve));
    const client = await connectRawWs({
      port,
      onMessage: (buf, start, end) => {
        // The buffer may be the shared read buffer: copy what is kept.
        messages.push(buf.toString('latin1', start, end));
        const at = findMarker(buf, start, end);
        if (at >= 0 && parseMarkerAt(buf, at, end)) markers.push([parsed.sender, parsed.seq, parsed.us]);
        if (messages.length === 3) received();
      },
    });
    cleanups.push(() => client.close());
    await allIn;
    await ponged;
    expect(messages).toEqual([large, `part-one|${markerText(7, 8, 9)}|end`, 'after']);
    expect(markers).toEqual([
      [3, 41, 123456],
      [7, 8, 9],
    ]);
  });

  it('finds every marker exactly once however the stream is cut into reads', () => {
    const payloads = [
      `{"type":"event","event":{"text":"${markerText(0, 1, 1000)} hello"}}`,
      '{"type":"event","event":{"text":"no marker in this one"}}',
      `{"type":"event","event":{"text":"${markerText(12, 345, 67890)} ${'p'.repeat(200)}"}}`, // 16-bit length
      `{"type":"reply","replyTo":"9","ok":true,"result":{"text":"${markerText(2, 3, 4)}"}}`,
    ];
    const stream = Buffer.concat([
      serverFrame(Buffer.from(payloads[0]!)),
      serverFrame(Buffer.from(payloads[1]!)),
      serverFrame(Buffer.from(payloads[2]!)),
      serverFrame(Buffer.from('ping-data'), { opcode: 9 }),
      serverFrame(Buffer.from(payloads[3]!.slice(0, 30)), { fin: false }),
      serverFrame(Buffer.from(payloads[3]!.slice(30)), { opcode: 0 }),
    ]);
    const expectedMarkers = [
      [0, 1, 1000],
      [12, 345, 67890],
      [2, 3, 4],
    ];
    // Reads land in one reused buffer, as with net's `onread`: bytes past a read's end are stale.
    const scratch = Buffer.alloc(stream.length + 64, '~M9.9.9~');
    const writes: Buffer[] = [];
    const fakeSocket = {
      write: (b: Buffer) => {
        writes.push(Buffer.from(b));
        return true;
      },
      end: () => {},
      destroy: () => {},
      cork: () => {},
      uncork: () => {},
    };
    const feed = (cuts: number[]) => {
      const messages: string[] = [];
      const markers: number[][] = [];
      const ws = new RawWs(fakeSocket, (buf, start, end) => {
        messages.push(buf.toString('latin1', start, end));
        const at = findMarker(buf, start, end);
        if (at >= 0 && parseMarkerAt(buf, at, end)) markers.push([parsed.sender, parsed.seq, parsed.us]);
      });
      ws.open = true;
      let from = 0;
      for (const to of [...cuts, stream.length]) {
        stream.copy(scratch, 0, from, to);
        ws._onRead(scratch, to - from);
        from = to;
      }
      return { messages, markers };
    };
    for (let a = 1; a < stream.length; a++) {
      const one = feed([a]);
      expect(one.messages).toEqual(payloads);
      expect(one.markers).toEqual(expectedMarkers);
    }
    for (let a = 1; a < stream.length - 1; a += 7) {
      for (let b = a + 1; b < stream.length; b += 5) {
        const two = feed([a, b]);
        expect(two.messages).toEqual(payloads);
        expect(two.markers).toEqual(expectedMarkers);
      }
    }
    // Every ping was answered with a masked pong carrying the same data.
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) {
      expect(w[0]).toBe(0x80 | 10);
      expect(w[1]! & 0x80).toBe(0x80);
      const mask = w.subarray(2, 6);
      const data = Buffer.from(w.subarray(6).map((c, i) => c ^ mask[i & 3]!));
      expect(data.toString()).toBe('ping-data');
    }
  });
});

describe('delivery ledger and histogram', () => {
  it('counts a delivery that never arrived as missing, per client, and duplicates apart', () => {
    const ledger = new Ledger({ nSenders: 2, rooms: 1, selfEcho: false });
    const slots = [0, 1, 2].map((c) => ledger.addSlot(c));
    ledger.reset(0);
    const deliver = (slot: number, sender: number, seq: number) => {
      parsed.sender = sender;
      parsed.seq = seq;
      parsed.us = monoUs();
      ledger.deliver(slot);
    };
    for (const seq of [0, 1, 2]) deliver(slots[1]!, 0, seq);
    for (const seq of [0, 2, 2]) deliver(slots[2]!, 0, seq); // seq 1 lost, seq 2 twice
    // Client 0 is sender 0: without a self echo it expects nothing from itself.
    const r = ledger.report([3, 0]);
    expect(r.expected).toBe(6);
    expect(r.deliveries).toBe(5);
    expect(r.missing).toBe(1);
    expect(r.clientsMissing).toBe(1);
    expect(r.duplicates).toBe(1);
    // Another client's extra deliveries do not hide a missing one.
    for (const seq of [3, 4]) deliver(slots[1]!, 0, seq);
    expect(ledger.report([3, 0]).missing).toBe(1);
  });

  it('gives percentiles within 1 % and the exact maximum, also after a merge', () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let v = 1; v <= 10_000; v++) (v % 2 ? a : b).add(v);
    a.merge(b.toJSON());
    expect(a.n).toBe(10_000);
    expect(Math.abs(a.percentile(50)! - 5000) / 5000).toBeLessThan(0.01);
    expect(Math.abs(a.percentile(99)! - 9900) / 9900).toBeLessThan(0.01);
    expect(a.max).toBe(10_000);
  });
});

describe('IRC client', () => {
  it('registers, joins, answers PING, and counts every marker line once however the lines are cut', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `:b1!u@127.0.0.1 PRIVMSG #r0 :${markerText(1, i, monoUs())} the quick brown fox\r\n`);
    let pongSeen: () => void = () => {};
    const pong = new Promise<void>((resolve) => (pongSeen = resolve));
    const server = net.createServer((sock) => {
      let buf = '';
      sock.on('data', async (d) => {
        buf += d.toString('latin1');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line.startsWith('USER')) sock.write(':srv 001 b0 :welcome\r\n:srv 376 b0 :end of MOTD\r\n');
          else if (line.startsWith('JOIN')) {
            sock.write(':b0!u@127.0.0.1 JOIN #r0\r\n:srv 353 b0 = #r0 :b0 b1\r\n:srv 366 b0 #r0 :End of NAMES\r\n');
            // The marker lines in pieces of 7 bytes, a server PING in the middle.
            const all = Buffer.from(lines.slice(0, 25).join('') + 'PING :srv-check\r\n' + lines.slice(25).join(''));
            for (let i = 0; i < all.length; i += 7) {
              sock.write(all.subarray(i, i + 7));
              await new Promise((r) => setImmediate(r));
            }
          } else if (line === 'PONG :srv-check') pongSeen();
        }
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;

    const ledger = new Ledger({ nSenders: 2, rooms: 1, selfEcho: false });
    const client = await connectIrc({ host: '127.0.0.1', port, spec: { index: 0, nick: 'b0', channel: '#r0' }, ledger });
    cleanups.push(() => client.close());
    await pong;
    for (let i = 0; i < 1000 && ledger.counts().deliveries < 50; i++) await new Promise((r) => setTimeout(r, 10));
    const r = ledger.report([0, 50]);
    expect(r.deliveries).toBe(50);
    expect(r.missing).toBe(0);
    expect(r.duplicates).toBe(0);
    // Had the sender's 51st message been accepted, this client would be one short.
    expect(ledger.report([0, 51]).missing).toBe(1);
  });
});
