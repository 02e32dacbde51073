// Fan-out as fast as Node allows (the baseline's transport): frame a text message ONCE, then write that
// same Buffer to every recipient's socket. Each socket is corked on its first write in an event-loop turn
// and uncorked in setImmediate, so a burst of frames leaves as one syscall per socket instead of one per
// frame. Backpressure: a socket whose kernel-side buffer (writableLength) is over the cap is closed with
// 4429 instead of letting server memory grow without bound.
import { Sender } from 'ws';

const OPEN = 1;
const FRAME_OPTS = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };

/** One unmasked text frame (header + payload) in a single Buffer. */
export function frameText(text) {
  const parts = Sender.frame(Buffer.from(text), FRAME_OPTS);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

export function createCorkedWriter({ sendBufferCap }) {
  const corked = [];
  let scheduled = false;

  function flush() {
    scheduled = false;
    for (let i = 0; i < corked.length; i++) {
      const ws = corked[i];
      ws._odCorked = false;
      ws._socket.uncork();
    }
    corked.length = 0;
  }

  /** Write a pre-framed buffer to one client. Returns false when the client was dropped or is gone. */
  function write(ws, frame) {
    if (ws.readyState !== OPEN) return false;
    const sock = ws._socket;
    if (sock.writableLength > sendBufferCap) {
      ws.close(4429, 'too slow');
      return false;
    }
    if (!ws._odCorked) {
      ws._odCorked = true;
      sock.cork();
      corked.push(ws);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    }
    sock.write(frame);
    return true;
  }

  return { write, sendText: (ws, text) => write(ws, frameText(text)) };
}
