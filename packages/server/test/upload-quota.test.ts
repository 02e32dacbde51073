import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, member } from './community-support.js';
import { testServer } from './helpers.js';

/*
 * The upload quota: bytes one user may upload in any 24 hours, with an injected clock. Refused before the
 * body is read when the declared size does not fit, after it arrived when it had none; the retry time is
 * when enough of the window has aged out; it holds across a restart (read back from the files table).
 */

const h = new Harness();
afterEach(() => h.release());

const DAY = 24 * 60 * 60 * 1000;

async function post(url: string, token: string, name: string, bytes: number) {
  const res = await fetch(`${url}/api/files?name=${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    // Distinct bytes per upload (not an image: stored as sent, so the stored size is the sent size).
    body: Buffer.alloc(bytes, name),
  });
  const body = (await res.json()) as Record<string, any>;
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

/** A body streamed without a Content-Length: the server learns its size only once it has arrived. */
function postChunked(url: string, token: string, bytes: number): Promise<{ status: number; body: Record<string, any> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, path: '/api/files?name=chunked.bin', method: 'POST', headers: { authorization: `Bearer ${token}` } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += String(c)));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.write(Buffer.alloc(bytes / 2, 'c'));
    req.end(Buffer.alloc(bytes / 2, 'd'));
  });
}

describe('upload quota', () => {
  it('refuses what does not fit in the last 24 hours, with the time until it does; others unaffected; a day later it fits', async () => {
    const clock = { t: 1_700_000_000_000 };
    // Tokens that outlive the day the clock is moved on.
    const server = await h.server({ now: () => clock.t, uploadQuotaBytes: 1000, accessTokenTtlSec: 3 * DAY / 1000 });
    const a = await member(server.url, 'alice');
    const b = await member(server.url, 'bob');

    expect((await post(server.url, a.token, 'one', 600)).status).toBe(200);
    clock.t += 60_000;
    expect((await post(server.url, a.token, 'two', 300)).status).toBe(200);
    clock.t += 60_000;
    // 900 used: 200 more do not fit until the first upload (600) leaves the window, a day after it was made.
    const over = await post(server.url, a.token, 'three', 200);
    expect(over.status).toBe(429);
    expect(over.body.error).toEqual({ code: 'RATE_LIMITED', message: 'upload quota reached (1000 bytes a day); try again later', retryAfterMs: DAY - 120_000 });
    expect(over.retryAfter).toBe(String((DAY - 120_000) / 1000));
    // What still fits, fits.
    expect((await post(server.url, a.token, 'four', 100)).status).toBe(200);
    // Larger than the whole quota: never, so not "later".
    const huge = await post(server.url, a.token, 'five', 1001);
    expect([huge.status, huge.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // Without a Content-Length: refused once it has arrived, and nothing of it kept.
    const chunked = await postChunked(server.url, a.token, 200);
    expect([chunked.status, chunked.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(fs.readdirSync(path.join(server.dataDir, 'files', 'tmp'))).toEqual([]);
    // Bob has his own quota.
    expect((await post(server.url, b.token, 'bob', 1000)).status).toBe(200);

    // The first upload ages out exactly a day after it was stored.
    clock.t += DAY - 120_000 - 1;
    expect((await post(server.url, a.token, 'six', 200)).status).toBe(429);
    clock.t += 1;
    expect((await post(server.url, a.token, 'six', 200)).status).toBe(200);
  });

  it('holds across a restart: the window is read back from the stored files', async () => {
    const clock = { t: 1_700_000_000_000 };
    const first = await testServer({ now: () => clock.t, uploadQuotaBytes: 1000 });
    const a = await member(first.url, 'alice');
    expect((await post(first.url, a.token, 'one', 700)).status).toBe(200);
    await first.close();
    clock.t += 1000;
    const again = await h.server({ dataDir: first.dataDir, now: () => clock.t, uploadQuotaBytes: 1000 });
    const refused = await post(again.url, a.token, 'two', 400);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: DAY - 1000 });
    expect((await post(again.url, a.token, 'three', 300)).status).toBe(200);
  });

  it('two uploads at once cannot both take the last of the quota', async () => {
    const server = await h.server({ uploadQuotaBytes: 1000 });
    const a = await member(server.url, 'alice');
    const both = await Promise.all([post(server.url, a.token, 'x', 600), post(server.url, a.token, 'y', 600)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 429]);
  });

  it('null: no quota', async () => {
    const server = await h.server({ uploadQuotaBytes: null, maxUploadBytes: 4096 });
    const a = await member(server.url, 'alice');
    for (let i = 0; i < 5; i++) expect((await post(server.url, a.token, `f${i}`, 4096)).status).toBe(200);
  });
});
