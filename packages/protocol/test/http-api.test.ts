import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpUrl, login, logout, logoutAll, refresh, resetPassword, signup } from '@open-discord/protocol';
import { user } from './helpers/fixtures.js';

/** A real HTTP server on loopback that answers like od-server's account API and records requests. */
const seen: { path: string; body: unknown; auth?: string }[] = [];
const pair = { accessToken: 'a.b.c', refreshToken: 'r', expiresIn: 900, user: { ...user('u1'), username: 'alice' } };
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      seen.push({ path: req.url ?? '', body, ...(req.headers.authorization && { auth: req.headers.authorization }) });
      const send = (status: number, payload: unknown, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      if (req.url === '/api/login' && body?.password === 'wrong') return send(401, { error: { code: 'UNAUTHORIZED', message: 'wrong username or password' } });
      if (req.url === '/api/login' && body?.password === 'slow-down') return send(429, { error: { code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 900 } });
      if (req.url === '/api/signup' && body?.invite === 'html') return send(502, '<html>bad gateway</html>', 'text/html');
      if (req.url === '/api/refresh' && body?.refreshToken === 'junk-reply') return send(200, { accessToken: 1 });
      if (req.url === '/api/logout' || req.url === '/api/logout-all') return send(200, { ok: true });
      if (req.url === '/api/reset-password') return send(200, { ok: true });
      return send(200, pair);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('http api', () => {
  it('posts typed bodies and validates replies', async () => {
    await expect(signup(base, { username: 'alice', password: 'password1', invite: 'abc' })).resolves.toEqual(pair);
    await expect(login(base, { username: 'alice', password: 'password1' })).resolves.toEqual(pair);
    await expect(refresh(`${base}/`, 'r')).resolves.toEqual(pair);
    await expect(logout(base, 'r')).resolves.toBeUndefined();
    await expect(logoutAll(base, 'access-token')).resolves.toBeUndefined();
    await expect(resetPassword(base, { username: 'alice', code: 'C0DE', password: 'password2' })).resolves.toBeUndefined();
    expect(seen.map((s) => s.path)).toEqual(['/api/signup', '/api/login', '/api/refresh', '/api/logout', '/api/logout-all', '/api/reset-password']);
    expect(seen[2]?.body).toEqual({ refreshToken: 'r' });
    // The access token travels in a header, never in the URL.
    expect(seen[4]).toMatchObject({ path: '/api/logout-all', auth: 'Bearer access-token' });
  });

  it("turns the server's error body into a ProtocolError", async () => {
    await expect(login(base, { username: 'alice', password: 'wrong' })).rejects.toMatchObject({ name: 'ProtocolError', code: 'UNAUTHORIZED', message: 'wrong username or password' });
    await expect(login(base, { username: 'alice', password: 'slow-down' })).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 900 });
  });

  it('maps non-protocol failures to codes', async () => {
    await expect(signup(base, { username: 'alice', password: 'password1', invite: 'html' })).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('502') });
    await expect(refresh(base, 'junk-reply')).rejects.toMatchObject({ code: 'INTERNAL' });
    // A closed port: nothing listens on port 1 of loopback.
    await expect(login('http://127.0.0.1:1', { username: 'a', password: 'b' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('builds URLs from http and ws bases', () => {
    expect(httpUrl('ws://h:1/', '/api/login')).toBe('http://h:1/api/login');
    expect(httpUrl('https://h/od', '/api/login')).toBe('https://h/od/api/login');
  });
});
