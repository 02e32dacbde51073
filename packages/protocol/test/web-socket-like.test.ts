import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeServerFrame, frameText, type WebSocketFactory, type WebSocketLike } from '@open-discord/protocol';
import { goLive, makeClient, type Harness } from './helpers/client-setup.js';
import { msgEvent } from './helpers/fixtures.js';
import { nextEmit, ScriptedServer } from './helpers/scripted-server.js';

/*
 * The client over a socket that offers only the WHATWG shape (no terminate, no ping events), as in a browser,
 * Deno or Bun. ws's own WHATWG attributes stand in for such a runtime's WebSocket: a real socket, no mock.
 */
const whatwgOnly: WebSocketFactory = (url) => {
  const ws = new WebSocket(url);
  const socket: WebSocketLike = {
    get readyState() {
      return ws.readyState;
    },
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  ws.onopen = (e) => socket.onopen?.(e);
  ws.onmessage = (e) => socket.onmessage?.({ data: e.data });
  ws.onclose = (e) => socket.onclose?.({ code: e.code, reason: e.reason });
  ws.onerror = (e) => socket.onerror?.(e);
  return socket;
};

let server: ScriptedServer;
let h: Harness;

beforeEach(async () => {
  server = await ScriptedServer.start();
  h = makeClient(server, { webSocket: whatwgOnly });
});
afterEach(async () => {
  h.client.close();
  await server.close();
});

describe('OdClient over an injected WHATWG socket', () => {
  it('goes live, delivers events and resumes after the server drops it', async () => {
    const conn = await goLive(server, h);
    const got = nextEmit(h.client, 'event');
    conn.event(10, msgEvent(11));
    expect((await got)[0].order).toBe(11);
    conn.ws.terminate();
    const again = await server.nextConnection();
    expect(await again.next('auth')).toMatchObject({ type: 'auth', resumeAfter: 11 });
  });
});

describe('wire text from bytes', () => {
  it('decodes text, bytes and fragments, even with a character split between fragments', () => {
    const bytes = new TextEncoder().encode('{"type":"typing","roomId":"r1","userId":"ü"}');
    const cut = bytes.indexOf(0xbc); // the second byte of ü
    expect(frameText(bytes)).toBe(frameText([bytes.subarray(0, cut), bytes.subarray(cut)]));
    expect(frameText(bytes.buffer)).toContain('"ü"');
    expect(decodeServerFrame([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual({
      ok: true,
      value: { type: 'typing', frame: { type: 'typing', roomId: 'r1', userId: 'ü' } },
    });
  });
});
