import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Corker, WsConn } from '../src/transport/ws-conn.js';
import { until } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A real WebSocket pair on loopback: the server end wrapped in WsConn, the client end paused (not reading). */
async function pair(cap: number) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
  const accepted = new Promise<WebSocket>((r) => wss.once('connection', (ws) => r(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  client.on('error', () => {});
  cleanups.push(() => client.terminate());
  const received: string[] = [];
  let closeCode: number | null = null;
  client.on('message', (d) => received.push(String(d)));
  client.on('close', (code) => (closeCode = code));
  await new Promise<void>((r) => client.once('open', () => r()));
  const ws = await accepted;
  let overflows = 0;
  const conn = new WsConn(ws, (ws as unknown as { _socket: import('node:net').Socket })._socket, '127.0.0.1', cap, new Corker(), () => overflows++);
  client.pause();
  return { ws, conn, client, received, closeCode: () => closeCode, overflows: () => overflows };
}

describe('WsConn send-buffer cap', () => {
  it('one frame larger than the cap does not close a client that reads it', async () => {
    const cap = 64 * 1024;
    const p = await pair(cap);
    // Fill the kernel's buffers with small frames until bytes start queueing in the process.
    let fillers = 0;
    while (p.ws.bufferedAmount === 0 && fillers < 100_000) p.conn.send(`filler ${fillers++} ${'x'.repeat(1000)}`);
    expect(p.ws.bufferedAmount).toBeGreaterThan(0);
    expect(p.ws.bufferedAmount).toBeLessThan(cap);

    // One frame several times the cap, written onto a small backlog: kept.
    const big = 'y'.repeat(4 * cap);
    p.conn.send(big);
    expect(p.ws.bufferedAmount).toBeGreaterThan(cap);
    expect(p.overflows()).toBe(0);
    expect(p.ws.readyState).toBe(WebSocket.OPEN);

    // The client reads: everything arrives, in order, and the connection stays open.
    p.client.resume();
    await until(() => p.received.length === fillers + 1, 'every frame');
    expect(p.received[fillers]).toBe(big);
    expect(p.closeCode()).toBeNull();
    p.conn.send('still here');
    await until(() => p.received.at(-1) === 'still here', 'a later frame');
    expect(p.overflows()).toBe(0);
  });

  it('a client that does not read is closed with 4429 once the backlog it leaves is over the cap', async () => {
    const cap = 64 * 1024;
    const p = await pair(cap);
    for (let i = 0; i < 100_000 && p.ws.readyState === WebSocket.OPEN; i++) p.conn.send(`event ${i} ${'z'.repeat(1000)}`);
    expect(p.overflows()).toBe(1);
    // Bounded: at most the cap plus the one write that went over it was ever queued.
    expect(p.ws.bufferedAmount).toBeLessThan(cap + 2 * 1024);
    p.client.resume();
    await until(() => p.closeCode() !== null, 'the close');
    expect(p.closeCode()).toBe(4429);
  });
});

describe('WsConn close', () => {
  it('a peer too busy to read when the close grace runs out still learns the close code', async () => {
    const p = await pair(8 * 1024 * 1024);
    const socket = p.conn.socket;
    // The client is busy (paused): what the server sends waits unread in the client's kernel buffer (beyond
    // the little Node reads ahead).
    const chunk = 'e'.repeat(8 * 1024);
    for (let i = 0; i < 16; i++) p.conn.send(chunk);
    await until(() => p.ws.bufferedAmount === 0, 'the frames to leave the server process');
    p.conn.close(4400, 'too many malformed frames');
    await until(() => p.ws.bufferedAmount === 0, 'the close frame to leave the server process');
    // The client keeps flooding and the server no longer reads it (it is closing): bytes of the client's
    // wait unread in the server's socket.
    socket.pause();
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 8; i++) p.client.send('{'.repeat(16 * 1024), i === 7 ? () => resolve() : undefined);
    });
    let serverClosed = false;
    socket.once('close', () => (serverClosed = true));

    p.conn.closeGraceExpired();

    // Once the server's side is shut (ended or gone), the busy client writes once more, then both read on.
    await until(() => serverClosed || socket.writableFinished, 'the server side to shut');
    await new Promise<void>((resolve) => p.client.send('{', () => resolve()));
    socket.resume();
    p.client.resume();
    await until(() => p.closeCode() !== null, 'the close');
    expect(p.closeCode()).toBe(4400);
    expect(p.received.length).toBe(16);
  });
});
