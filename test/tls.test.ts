import { startServer, type RunningServer } from '@open-discord/server';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { resolveStartOptions } from '../packages/server/src/cli/config.js';
import { putSession } from '../packages/tui/src/config/sessions.js';
import { OD_BIN } from './tui-support.js';

/*
 * Letting friends in from other machines: od-server serves https:// and wss:// with --tls-cert/--tls-key,
 * and od trusts a home box's own certificate through Node's NODE_EXTRA_CA_CERTS (docs/home-box.md).
 * The fixture is a self-signed test certificate for 127.0.0.1, used by nothing else.
 */
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const certFile = path.join(fixtures, 'tls-test-cert.pem');
const keyFile = path.join(fixtures, 'tls-test-key.pem');
const ca = fs.readFileSync(certFile);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tlsServer(): Promise<RunningServer & { tmp: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'od-tls-'));
  cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const srv = await startServer({
    dataDir: path.join(tmp, 'data'),
    port: 0,
    registration: 'open',
    bcryptCost: 4,
    authRate: null,
    log: () => {},
    tls: { cert: ca, key: fs.readFileSync(keyFile) },
  });
  cleanups.push(() => srv.close());
  return Object.assign(srv, { tmp });
}

/** POST over TLS trusting only the test certificate. */
function post(url: string, p: string, body: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url + p, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('TLS', () => {
  it('serves the API and the WebSocket over TLS, and refuses plain HTTP on that port', async () => {
    const srv = await tlsServer();
    expect(srv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const pair = await post(srv.url, '/api/signup', { username: 'alice', password: 'alice password', nickname: 'alice' });
    expect(pair.status).toBe(200);

    const ws = new WebSocket(`${srv.url.replace('https', 'wss')}/ws`, { ca });
    const ready = await new Promise<any>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: pair.body.accessToken })));
      ws.on('message', (d) => resolve(JSON.parse(String(d))));
      ws.on('error', reject);
    });
    expect(ready.type).toBe('ready');
    ws.close();

    // Without the certificate a client refuses the server: nothing is sent in the clear.
    await expect(fetch(`${srv.url}/api/login`, { method: 'POST', body: '{}' })).rejects.toThrow();
    const plain = await fetch(`${srv.url.replace('https', 'http')}/api/login`, { method: 'POST', body: '{}' }).then(
      () => 'answered',
      () => 'refused',
    );
    expect(plain).toBe('refused');
  });

  it('od talks to a home box with its own certificate through NODE_EXTRA_CA_CERTS', async () => {
    const srv = await tlsServer();
    const pair = await post(srv.url, '/api/signup', { username: 'bob', password: 'bob password 1', nickname: 'bob' });
    const ws = new WebSocket(`${srv.url.replace('https', 'wss')}/ws`, { ca });
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: pair.body.accessToken })));
      ws.on('message', (d) => {
        const f = JSON.parse(String(d));
        if (f.type === 'ready') ws.send(JSON.stringify({ id: 'c', type: 'room.create', name: 'lounge' }));
        if (f.type === 'reply' && f.replyTo === 'c') resolve();
      });
      ws.on('error', reject);
    });
    ws.close();
    const config = path.join(srv.tmp, 'od');
    putSession(config, 'home', { url: srv.url, refreshToken: pair.body.refreshToken });
    const env = { ...process.env, OD_CONFIG_DIR: config, NODE_EXTRA_CA_CERTS: certFile };
    const p = spawn(process.execPath, [OD_BIN, 'send', 'lounge', 'over tls'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
    expect(code, err).toBe(0);
  });

  it('--tls-cert and --tls-key go together and must be readable PEM files', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-tls-cfg-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    expect(() => resolveStartOptions({ dataDir, tlsCert: certFile }, {})).toThrow(/go together/);
    expect(() => resolveStartOptions({ dataDir, tlsCert: '/nonexistent.pem', tlsKey: keyFile }, {})).toThrow(/no such file/);
    expect(() => resolveStartOptions({ dataDir, tlsCert: path.join(fixtures, '..', 'tls.test.ts'), tlsKey: keyFile }, {})).toThrow(/not a PEM/);
    const o = resolveStartOptions({ dataDir }, { OD_TLS_CERT: certFile, OD_TLS_KEY: keyFile });
    expect(o.tls?.cert.toString()).toContain('BEGIN CERTIFICATE');
  });
});
