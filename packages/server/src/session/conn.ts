/**
 * What the session layer needs from a connection. The transport implements it over `ws`; nothing
 * above the transport knows about sockets.
 */
export interface Conn {
  /** Remote address, for per-address limits and logs. */
  readonly ip: string;
  /** Bytes queued for this connection and not yet written to the network. */
  readonly bufferedAmount: number;
  /** A text frame for this connection only. */
  send(text: string): void;
  /**
   * A text frame whose bytes go to many connections (fan-out): the transport may cork the socket until
   * the end of the tick and must not modify the buffer.
   */
  sendShared(frame: Buffer): void;
  /**
   * A binary voice frame (the same bytes go to many connections), written only when no more than
   * `maxBuffered` bytes wait for this connection: audio that would queue behind a backlog is dropped rather
   * than delivered late. False when dropped. The transport must not modify the buffer.
   */
  sendVoice(frame: Buffer, maxBuffered: number): boolean;
  close(code: number, reason: string): void;
}
