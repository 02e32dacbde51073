import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from './socket.js';

/**
 * The default socket on Node: the ws package, adapted to WebSocketLike. It is the one place in the protocol
 * package that depends on ws. Compression stays off (chat frames are small; deflate costs more CPU than it
 * saves), and ws's pings and immediate terminate() are passed on.
 */
export const nodeWebSocket: WebSocketFactory = (url, { handshakeTimeoutMs }) => {
  const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: handshakeTimeoutMs });
  const socket: WebSocketLike = {
    get readyState() {
      return ws.readyState;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    onping: null,
  };
  ws.on('open', () => socket.onopen?.(undefined));
  // Text frames arrive as a Buffer, which is a Uint8Array: the decoder reads it without copying to a string first.
  ws.on('message', (data: WebSocket.RawData, binary: boolean) => socket.onmessage?.({ data, binary }));
  ws.on('ping', () => socket.onping?.());
  // ws throws on an 'error' event nobody listens to, so this listener must exist even without a handler.
  ws.on('error', (error: Error) => socket.onerror?.({ message: error.message }));
  ws.on('close', (code: number, reason: Buffer) => socket.onclose?.({ code, reason: reason.toString() }));
  return socket;
};
