// Types for raw-ws.mjs (the bench's raw WebSocket client), for the TypeScript tests that import it.
/** What RawWs needs of its socket (a net.Socket, or a stand-in in tests). */
export interface RawSocket {
  write(data: Buffer | string): unknown;
  end(data?: Buffer): unknown;
  destroy(): unknown;
  cork(): void;
  uncork(): void;
}

export declare const READ_BUFFER: Buffer;
export declare const readClock: { us: number };
export declare function monoUs(): number;
export declare function maskedFrame(opcode: number, payload: Buffer): Buffer;

export type OnMessage = (buf: Buffer, start: number, end: number, isText: boolean) => void;

export declare class RawWs {
  constructor(socket: RawSocket, onMessage: OnMessage);
  open: boolean;
  closed: { code: number; reason: string } | null;
  send(data: string | Buffer): boolean;
  cork(): void;
  uncork(): void;
  close(): void;
  /** Feed one read (the first `n` bytes of `buf`) to the frame parser. */
  _onRead(buf: Buffer, n: number): void;
}

export declare function connectRawWs(opts: {
  host?: string;
  port: number;
  path?: string;
  onMessage: OnMessage;
  onClose?: (ws: RawWs) => void;
  timeoutMs?: number;
}): Promise<RawWs>;
