#!/usr/bin/env node
// The benchmark baseline: a minimal `ws` broadcast server with NO persistence, written to be as fast as
// Node allows (pre-framed buffers, corked sockets, backpressure cap). It speaks just enough of the
// open_discord wire protocol (signup/login, auth → ready, resume replay, message.send → reply + event,
// room/role setup, state, history) that the same load generator drives it and od-server alike.
// Passwords are not hashed and nothing is authorised: it is a yardstick, not a server.
//
// Usage: node scripts/bench/baseline-server.mjs [--port 0] [--host 127.0.0.1] [--send-buffer-cap BYTES]
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { announce, serveStats } from './lib/child-ipc.mjs';
import { createCorkedWriter } from './lib/corked-writer.mjs';
import { createBaselineWorld } from './lib/baseline-world.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const host = opt('--host', '127.0.0.1');
const port = Number(opt('--port', '0'));
const sendBufferCap = Number(opt('--send-buffer-cap', String(4 * 1024 * 1024)));

const writer = createCorkedWriter({ sendBufferCap });
const world = createBaselineWorld(writer);

function readJson(req) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > 64 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(null);
      }
    });
    req.on('error', () => resolve(null));
  });
}

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, { ok: true });
  if (req.method !== 'POST') return reply(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
  const body = await readJson(req);
  if (!body || typeof body.username !== 'string') {
    return reply(res, 400, { error: { code: 'BAD_REQUEST', message: 'bad body' } });
  }
  let user;
  if (req.url === '/api/signup') user = world.signup(body.username, body.nickname);
  else if (req.url === '/api/login') user = world.findUser(body.username);
  else return reply(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
  if (!user) return reply(res, 401, { error: { code: 'UNAUTHORIZED', message: 'wrong username or password' } });
  const accessToken = randomBytes(16).toString('hex');
  world.tokens.set(accessToken, user);
  reply(res, 200, { accessToken, refreshToken: randomBytes(16).toString('hex'), expiresIn: 900, user: world.me(user) });
});

const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 64 * 1024, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('error', () => {});
  ws.on('message', (data) => world.onFrame(ws, data));
  ws.on('close', () => world.onClose(ws));
});

server.listen(port, host, () => {
  const addr = server.address();
  announce({ url: `http://${host}:${addr.port}`, port: addr.port, pid: process.pid });
});

function close() {
  return new Promise((resolve) => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
serveStats(close);
process.on('SIGTERM', () => close().then(() => process.exit(0)));
process.on('SIGINT', () => close().then(() => process.exit(0)));
