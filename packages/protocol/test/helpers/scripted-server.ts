import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { OdClient, OdClientEvents } from '@open-discord/protocol';
import { user } from './fixtures.js';

/**
 * A real WebSocket server on 127.0.0.1:0 whose every frame is written by the test: it lets a test drive
 * the client through exact sequences (gaps, duplicates, drops) that a real server produces only by chance.
 */
type Frame = Record<string, unknown> & { type: string; id?: string };

/** A FIFO with async take(): frames the client sent, connections accepted. */
class Queue<T> {
  private items: T[] = [];
  private waiters: ((v: T) => void)[] = [];
  push(v: T) {
    const w = this.waiters.shift();
    if (w) w(v);
    else this.items.push(v);
  }
  take(what: string, timeoutMs = 5000): Promise<T> {
    const v = this.items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const done = (x: T) => {
        clearTimeout(timer);
        resolve(x);
      };
      this.waiters.push(done);
    });
  }
  get pending(): T[] {
    return this.items;
  }
}

export class ScriptedConn {
  readonly received = new Queue<Frame>();
  readonly closed: Promise<number>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.received.push(JSON.parse(data.toString()) as Frame));
    this.closed = new Promise((r) => ws.on('close', (code) => r(code)));
  }
  /** The next frame from the client; fails the test if it is not of `type`. */
  async next(type?: string): Promise<Frame> {
    const f = await this.received.take(type ?? 'a frame');
    if (type && f.type !== type) throw new Error(`expected a ${type} frame, got ${JSON.stringify(f)}`);
    return f;
  }
  send(frame: object) {
    this.ws.send(JSON.stringify(frame));
  }
  ready(extra: Record<string, unknown> = {}) {
    this.send({ type: 'ready', protocol: 1, serverVersion: 'test', user: { ...user('u1'), username: 'alice' }, head: 10, ...extra });
  }
  reply(req: Frame, result: unknown) {
    this.send({ type: 'reply', replyTo: req.id, ok: true, result });
  }
  fail(req: Frame, code: string, message: string) {
    this.send({ type: 'reply', replyTo: req.id, ok: false, error: { code, message } });
  }
  event(prev: number, event: object) {
    this.send({ type: 'event', prev, event });
  }
  close(code: number, reason = '') {
    this.ws.close(code, reason);
  }
}

export class ScriptedServer {
  readonly connections = new Queue<ScriptedConn>();
  private readonly all: ScriptedConn[] = [];
  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {
    wss.on('connection', (ws) => {
      const c = new ScriptedConn(ws);
      this.all.push(c);
      this.connections.push(c);
    });
  }

  static async start(): Promise<ScriptedServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    return new ScriptedServer(wss, `http://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  }

  nextConnection(): Promise<ScriptedConn> {
    return this.connections.take('a connection');
  }

  async close(): Promise<void> {
    for (const c of this.all) c.ws.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}

/** Resolves with the next emission of `name` that satisfies `pred` (bounded by a timeout). */
export function nextEmit<K extends keyof OdClientEvents>(
  client: OdClient,
  name: K,
  pred: (...args: Parameters<OdClientEvents[K]>) => boolean = () => true,
  timeoutMs = 5000,
): Promise<Parameters<OdClientEvents[K]>> {
  return new Promise((resolve, reject) => {
    const listener = ((...args: Parameters<OdClientEvents[K]>) => {
      if (!pred(...args)) return;
      clearTimeout(timer);
      client.off(name, listener);
      resolve(args);
    }) as OdClientEvents[K];
    const timer = setTimeout(() => {
      client.off(name, listener);
      reject(new Error(`timed out waiting for ${String(name)}`));
    }, timeoutMs);
    client.on(name, listener);
  });
}

export { WebSocket };
