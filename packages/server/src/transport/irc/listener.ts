import net from 'node:net';
import tls from 'node:tls';
import { IrcConnection, type IrcOptions } from './connection.js';

export interface IrcListenOptions extends IrcOptions {
  /** Plain-text listener; absent: none. */
  plain?: { host: string; port: number };
  /** TLS listener with this certificate chain and key (PEM); absent: none. */
  tls?: { host: string; port: number; cert: string | Buffer; key: string | Buffer };
  maxConnectionsPerIp: number;
  maxConnections: number;
}

export interface IrcListener {
  /** The bound ports (0 = that listener is off). */
  port: number;
  tlsPort: number;
  readonly connections: number;
  stopAccepting(): void;
  /** Tell every client the server is going away and wait (at most `graceMs`) for the sockets to close. */
  drain(graceMs: number): Promise<void>;
}

/**
 * The IRC transport: node:net and node:tls listeners whose connections become od sessions rendered as IRC
 * lines. Connection caps (per address and in all) are checked at accept, before anything is read.
 */
export async function startIrc(o: IrcListenOptions): Promise<IrcListener> {
  const all = new Set<IrcConnection>();
  const sockets = new Set<net.Socket>();
  const perIp = new Map<string, number>();

  const accept = (socket: net.Socket) => {
    const ip = socket.remoteAddress ?? 'unknown';
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    const n = perIp.get(ip) ?? 0;
    if (n >= o.maxConnectionsPerIp || all.size >= o.maxConnections) {
      socket.on('error', () => socket.destroy());
      socket.end(`ERROR :Closing Link: ${ip} (${n >= o.maxConnectionsPerIp ? 'Too many connections from your address' : 'Server full'})\r\n`);
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    perIp.set(ip, n + 1);
    let released = false;
    const conn: IrcConnection = new IrcConnection(socket, ip, o, () => {
      if (released) return;
      released = true;
      all.delete(conn);
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left <= 0) perIp.delete(ip);
      else perIp.set(ip, left);
    });
    all.add(conn);
  };

  const listen = (server: net.Server, host: string, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });

  const servers: net.Server[] = [];
  let port = 0;
  let tlsPort = 0;
  try {
    if (o.plain) {
      const s = net.createServer(accept);
      servers.push(s);
      port = await listen(s, o.plain.host, o.plain.port);
    }
    if (o.tls) {
      const s = tls.createServer({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' }, accept);
      // A failed handshake (a plain client on the TLS port, a scanner) is not an error worth logging.
      s.on('tlsClientError', (_e, socket) => socket.destroy());
      servers.push(s);
      tlsPort = await listen(s, o.tls.host, o.tls.port);
    }
  } catch (error) {
    for (const s of servers) s.close();
    throw error;
  }
  for (const s of servers) s.on('error', (error) => o.log({ level: 'error', msg: 'irc listener error', error: String(error) }));

  return {
    port,
    tlsPort,
    get connections() {
      return all.size;
    },
    stopAccepting() {
      for (const s of servers) s.close();
    },
    async drain(graceMs: number) {
      for (const c of [...all]) c.shutdown('Server shutting down');
      const deadline = Date.now() + graceMs;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const s of sockets) s.destroy();
    },
  };
}
