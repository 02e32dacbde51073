import net from 'node:net';
import tls from 'node:tls';
import type { ServerOptions } from '../src/app.js';
import { Harness } from './community-support.js';
import { until } from './helpers.js';

/**
 * A raw IRC client for the conformance tests: its own small parser (written from the message-tags and
 * RFC 1459 grammar, independent of the gateway's), every received line kept in order, and waits that
 * consume lines from a cursor so each assertion reads what came after the previous one.
 */
export interface Line {
  raw: string;
  tags: Record<string, string>;
  source: string | null;
  command: string;
  params: string[];
}

const UNESCAPE: Record<string, string> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

export function parseLine(raw: string): Line {
  let rest = raw;
  const tags: Record<string, string> = {};
  if (rest.startsWith('@')) {
    const sp = rest.indexOf(' ');
    for (const kv of rest.slice(1, sp).split(';')) {
      const eq = kv.indexOf('=');
      const k = eq < 0 ? kv : kv.slice(0, eq);
      const v = eq < 0 ? '' : kv.slice(eq + 1).replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c);
      tags[k] = v;
    }
    rest = rest.slice(sp + 1);
  }
  let source: string | null = null;
  if (rest.startsWith(':')) {
    const sp = rest.indexOf(' ');
    source = rest.slice(1, sp);
    rest = rest.slice(sp + 1);
  }
  const params: string[] = [];
  const trailingAt = rest.indexOf(' :');
  const head = trailingAt >= 0 ? rest.slice(0, trailingAt) : rest;
  const words = head.split(' ').filter(Boolean);
  const command = words.shift() ?? '';
  params.push(...words);
  if (trailingAt >= 0) params.push(rest.slice(trailingAt + 2));
  return { raw, tags, source, command, params };
}

export const nickOf = (l: Line) => (l.source ?? '').split('!')[0]!;

export class IrcTestClient {
  readonly lines: Line[] = [];
  private cursor = 0;
  closed = false;
  private buf = '';

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buf += d;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const raw = this.buf.slice(0, nl).replace(/\r$/, '');
        this.buf = this.buf.slice(nl + 1);
        const l = parseLine(raw);
        this.lines.push(l);
        // Keepalive answered like a real client.
        if (l.command === 'PING' && this.autoPong) this.send(`PONG :${l.params[l.params.length - 1] ?? ''}`);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
  }

  autoPong = true;

  static connect(port: number, opts: { tls?: boolean } = {}): Promise<IrcTestClient> {
    return new Promise((resolve, reject) => {
      const socket = opts.tls
        ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(new IrcTestClient(socket)))
        : net.connect({ port, host: '127.0.0.1' }, () => resolve(new IrcTestClient(socket)));
      socket.once('error', reject);
    });
  }

  send(line: string): void {
    if (!this.socket.destroyed) this.socket.write(`${line}\r\n`);
  }

  /** The next line (after the cursor) matching `pred`; the cursor moves past it. */
  async next(pred: (l: Line) => boolean, what = 'line', timeoutMs = 20_000): Promise<Line> {
    let found = -1;
    await until(
      () => {
        for (let i = this.cursor; i < this.lines.length; i++) {
          if (pred(this.lines[i]!)) {
            found = i;
            return true;
          }
        }
        return this.closed;
      },
      what,
      timeoutMs,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; got:\n${this.lines.slice(this.cursor).map((l) => l.raw).join('\n')}`);
    });
    if (found < 0) throw new Error(`closed while waiting for ${what}; got:\n${this.lines.slice(this.cursor).map((l) => l.raw).join('\n')}`);
    this.cursor = found + 1;
    return this.lines[found]!;
  }

  /** The next line with this command (or numeric). */
  cmd(command: string, what = command): Promise<Line> {
    return this.next((l) => l.command === command, what);
  }

  /** Every line after the cursor up to and including the first matching `end`. */
  async until(end: (l: Line) => boolean, what = 'end'): Promise<Line[]> {
    const from = this.cursor;
    await this.next(end, what);
    return this.lines.slice(from, this.cursor);
  }

  /** Lines received after the cursor so far (without waiting). */
  get pending(): Line[] {
    return this.lines.slice(this.cursor);
  }

  /** Skip everything received so far. */
  skip(): void {
    this.cursor = this.lines.length;
  }

  /** Round trip: everything the server sent before our PING's PONG has arrived (ordering within one link). */
  async sync(): Promise<Line[]> {
    const token = `sync${Math.random().toString(36).slice(2)}`;
    this.send(`PING ${token}`);
    return this.until((l) => l.command === 'PONG' && l.params.includes(token), `PONG ${token}`);
  }

  async waitClosed(): Promise<void> {
    await until(() => this.closed, 'socket closed', 20_000);
  }

  close(): void {
    this.socket.destroy();
  }

  /** CAP negotiation (302), SASL PLAIN, NICK/USER, and the end of the welcome (MOTD or 422). */
  async login(username: string, opts: { caps?: string[]; password?: string; pass?: boolean } = {}): Promise<Line[]> {
    const password = opts.password ?? 'correct horse';
    this.send('CAP LS 302');
    if (opts.pass) this.send(`PASS :${username}:${password}`);
    this.send(`NICK ${username}`);
    this.send(`USER ${username} 0 * :${username}`);
    await this.next((l) => l.command === 'CAP' && l.params[1] === 'LS' && l.params[2] !== '*', 'CAP LS');
    const caps = opts.pass ? (opts.caps ?? []) : ['sasl', ...(opts.caps ?? [])];
    if (caps.length) {
      this.send(`CAP REQ :${caps.join(' ')}`);
      await this.next((l) => l.command === 'CAP' && (l.params[1] === 'ACK' || l.params[1] === 'NAK'), 'CAP ACK');
    }
    if (!opts.pass) {
      this.send('AUTHENTICATE PLAIN');
      await this.next((l) => l.command === 'AUTHENTICATE', 'AUTHENTICATE +');
      this.send(`AUTHENTICATE ${Buffer.from(`\0${username}\0${password}`).toString('base64')}`);
      const done = await this.next((l) => ['903', '904'].includes(l.command), 'SASL result');
      if (done.command !== '903') throw new Error(`SASL failed for ${username}`);
    }
    this.send('CAP END');
    return this.until((l) => l.command === '376' || l.command === '422', 'end of MOTD');
  }
}

/** A test server with the IRC gateway on a free port, and clients released with the harness. */
export class IrcHarness extends Harness {
  private readonly clients: IrcTestClient[] = [];

  async ircServer(over: Partial<ServerOptions> = {}) {
    const server = await this.server({ ...over, irc: { listen: { host: '127.0.0.1', port: 0 }, ...over.irc } });
    return Object.assign(server, { ircPort: server.irc!.port });
  }

  async irc(port: number, opts: { tls?: boolean } = {}): Promise<IrcTestClient> {
    const c = await IrcTestClient.connect(port, opts);
    this.clients.push(c);
    return c;
  }

  override async release(): Promise<void> {
    for (const c of this.clients.splice(0)) c.close();
    await super.release();
  }
}
