import net from 'node:net';

/**
 * A loopback TCP proxy in front of a server, so a test can cut connections at exact moments: `blackhole()`
 * keeps forwarding client → server but swallows server → client (a reply is lost in flight), `cut()` drops
 * every proxied connection. Real sockets both ways; nothing about the WebSocket is mocked.
 */
export class TcpProxy {
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private swallow = false;
  private stalled = false;

  private constructor(
    private readonly server: net.Server,
    private targetPort: number,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    let proxy!: TcpProxy;
    const server = net.createServer((client) => proxy.accept(client));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new TcpProxy(server, targetPort, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Point new connections at another port (after a server restart on a different one). */
  retarget(port: number): void {
    this.targetPort = port;
  }

  /** From now on, drop everything the server sends until `cut()`. */
  blackhole(): void {
    this.swallow = true;
  }

  /**
   * From now on, stop reading what the server sends (a client that stopped reading): the server's writes
   * pile up in the kernel's buffers and then in its own.
   */
  stall(): void {
    this.stalled = true;
    for (const [, upstream] of this.pairs) upstream.pause();
  }

  /** Drop every proxied connection and stop swallowing. */
  cut(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    this.swallow = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    if (this.stalled) upstream.pause();
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      if (!this.swallow) client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }
}
