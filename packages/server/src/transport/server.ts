import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { CloseCode, HTTP_PATHS } from '@open-discord/protocol';
import { WebSocket, WebSocketServer } from 'ws';
import type { Log } from '../core/deps.js';
import { Corker, WsConn } from './ws-conn.js';

export interface TransportOptions {
  host: string;
  port: number;
  maxPayload: number;
  sendBufferCap: number;
  pingIntervalMs: number;
  maxConnectionsPerIp: number;
  allowedOrigins: readonly string[];
  log: Log;
  /** Serve HTTPS and wss:// with this certificate chain and key (PEM); plain HTTP when absent. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** May this address open a WebSocket now? (Refused with 429 at the upgrade, before any handshake work.) */
  admit?: (ip: string) => boolean;
  /** The HTTP API. */
  onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** A new WebSocket connection; returns the session's message and close handlers. */
  onConnection: (conn: WsConn) => {
    message: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void;
    close: () => void;
    overflow: () => void;
  };
}

export interface Transport {
  port: number;
  /** Stop accepting connections and HTTP requests. */
  stopAccepting(): void;
  /** Wait until every socket is gone (terminating stragglers after `graceMs`). */
  drain(graceMs: number): Promise<void>;
}

/**
 * One node:http server for the account API and the WebSocket upgrade on /ws. Only this layer knows
 * about `ws`: Origin check, payload cap, compression off, ping/pong, per-address caps and corked fan-out.
 */
export async function startTransport(o: TransportOptions): Promise<Transport> {
  // Slow or half-open requests (including upgrades that never finish their headers) are cut off; the
  // checking interval bounds how late that happens (Node's default is 30 s).
  const httpOptions = { headersTimeout: 8_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000, keepAliveTimeout: 5_000 };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => o.onRequest(req, res);
  // TLS ends here, before anything is parsed: the upgrade, the API and the WebSocket all ride on it.
  const server: http.Server = o.tls
    ? https.createServer({ ...httpOptions, cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' }, handle)
    : http.createServer(httpOptions, handle);
  // A client that fails the handshake (plain HTTP on the TLS port, a scanner) must not reach the log as an error.
  server.on('tlsClientError', (_e: Error, socket: Socket) => socket.destroy());

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: o.maxPayload,
    perMessageDeflate: false,
    clientTracking: true,
  });
  const corker = new Corker();
  const perIp = new Map<string, number>();
  const alive = new WeakMap<WebSocket, boolean>();

  const reject = (socket: Socket, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== HTTP_PATHS.ws) return reject(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    // Terminal clients and bots send no Origin; a browser page from elsewhere must be allowed explicitly.
    if (origin !== undefined && !o.allowedOrigins.includes(origin)) return reject(socket, 403, 'Forbidden');
    if (o.admit && !o.admit(socket.remoteAddress ?? 'unknown')) return reject(socket, 429, 'Too Many Requests');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const ip = socket.remoteAddress ?? 'unknown';
      const conn = new WsConn(ws, socket, ip, o.sendBufferCap, corker, () => handlers.overflow());
      const count = (perIp.get(ip) ?? 0) + 1;
      perIp.set(ip, count);
      const handlers = o.onConnection(conn);
      alive.set(ws, true);
      ws.on('pong', () => alive.set(ws, true));
      ws.on('message', (data, isBinary) => {
        try {
          handlers.message(data, isBinary);
        } catch (error) {
          // Never let one bad frame take the server down; drop just this connection.
          o.log({ level: 'error', msg: 'message handler failed', error: String(error) });
          conn.close(CloseCode.PROTOCOL_VIOLATION, 'internal error');
        }
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', () => {
        const n = (perIp.get(ip) ?? 1) - 1;
        if (n <= 0) perIp.delete(ip);
        else perIp.set(ip, n);
        handlers.close();
      });
      if (count > o.maxConnectionsPerIp) conn.close(CloseCode.TOO_MANY_CONNECTIONS, 'too many connections from this address');
    });
  });

  const ping = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      try {
        ws.ping();
      } catch {
        ws.terminate();
      }
    }
  }, o.pingIntervalMs);
  ping.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => o.log({ level: 'error', msg: 'http server error', error: String(error) }));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;

  return {
    port,
    stopAccepting() {
      clearInterval(ping);
      server.close();
      server.closeIdleConnections();
    },
    async drain(graceMs: number) {
      // Sessions were told already; this reaches connections that never authenticated.
      for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.close(CloseCode.GOING_AWAY, 'server shutting down');
      const deadline = setTimeout(() => {
        for (const ws of wss.clients) ws.terminate();
        server.closeAllConnections();
      }, graceMs);
      deadline.unref();
      while (wss.clients.size > 0) await new Promise((r) => setTimeout(r, 10));
      clearTimeout(deadline);
      server.closeAllConnections();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
