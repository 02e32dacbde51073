import { describe, expect, it } from 'vitest';
import { post, RawClient, signup, testScope } from './helpers.js';

/*
 * Finding 2: revocation did not reach live sessions. Refresh-token reuse and logout revoked refresh tokens
 * only: the family's access tokens kept working and its sockets stayed open; a socket outlived its token.
 */
const { cleanups, setup } = testScope();

async function login(url: string, username: string) {
  const r = await post(url, '/api/login', { username, password: 'correct horse' });
  expect(r.status).toBe(200);
  return r.body as { accessToken: string; refreshToken: string };
}

async function connect(url: string, token: string) {
  const c = await RawClient.connect(url, token);
  cleanups.push(() => c.close());
  return c;
}

/** Refused on a new socket (4401) and over HTTP (401). */
async function expectDead(url: string, token: string) {
  const c = await RawClient.open(url);
  c.sendJson({ type: 'auth', token });
  expect(await c.waitClose()).toBe(4401);
  const http = await post(url, '/api/logout-all', {}, { authorization: `Bearer ${token}` });
  expect(http.status).toBe(401);
}

describe('revocation reaches live sessions', () => {
  it("refresh-token reuse closes the family's sockets at once and kills its access tokens; other sessions live on", async () => {
    const server = await setup();
    await signup(server.url, 'victim');
    const stolen = await login(server.url, 'victim');
    const other = await login(server.url, 'victim'); // a second session (another device): a different family
    const thiefSocket = await connect(server.url, stolen.accessToken);
    // The victim's client rotates the token; then the thief presents the stolen (now spent) refresh token.
    const rotated = (await post(server.url, '/api/refresh', { refreshToken: stolen.refreshToken })).body;
    const victimSocket = await connect(server.url, rotated.accessToken);
    const otherSocket = await connect(server.url, other.accessToken);
    const reuse = await post(server.url, '/api/refresh', { refreshToken: stolen.refreshToken });
    expect(reuse.status).toBe(401);

    expect(await thiefSocket.waitClose()).toBe(4401);
    expect(await victimSocket.waitClose()).toBe(4401);
    expect(thiefSocket.closeReason).toBe('session revoked');
    await expectDead(server.url, stolen.accessToken);
    await expectDead(server.url, rotated.accessToken);
    // The other session's socket and token are untouched.
    expect(otherSocket.closeCode).toBeNull();
    expect((await otherSocket.call('state')).me.username).toBe('victim');
  });

  it("logout closes that session's sockets and kills its access token, and only that session's", async () => {
    const server = await setup();
    await signup(server.url, 'alice');
    const a = await login(server.url, 'alice');
    const b = await login(server.url, 'alice');
    const sa1 = await connect(server.url, a.accessToken);
    const sa2 = await connect(server.url, a.accessToken);
    const sb = await connect(server.url, b.accessToken);
    expect((await post(server.url, '/api/logout', { refreshToken: a.refreshToken })).status).toBe(200);
    expect(await sa1.waitClose()).toBe(4401);
    expect(await sa2.waitClose()).toBe(4401);
    await expectDead(server.url, a.accessToken);
    expect(sb.closeCode).toBeNull();
    expect((await sb.call('state')).me.username).toBe('alice');
  });

  it('a socket is not served past its access token: the first frame after expiry closes it with 4401, unanswered', async () => {
    let clock = Date.now();
    const server = await setup({ now: () => clock, accessTokenTtlSec: 600 });
    const pair = await signup(server.url, 'bob');
    const c = await connect(server.url, pair.accessToken);
    expect((await c.call('state')).me.username).toBe('bob');
    clock += 599_000;
    expect((await c.call('state')).me.username).toBe('bob');
    clock += 2_000; // past exp
    c.sendJson({ id: 'late', type: 'state' });
    expect(await c.waitClose()).toBe(4401);
    expect(c.closeReason).toBe('access token expired');
    expect(c.frames.some((f) => f.replyTo === 'late')).toBe(false);
    // A fresh token (what the client's refresh gets) resumes where the stream stopped.
    const fresh = (await post(server.url, '/api/login', { username: 'bob', password: 'correct horse' })).body;
    const again = await connect(server.url, fresh.accessToken);
    expect(again.ready.user.username).toBe('bob');
  });

  it('an idle socket is closed when its token runs out, without sending anything', async () => {
    const server = await setup({ accessTokenTtlSec: 1 });
    const pair = await signup(server.url, 'carol');
    const c = await connect(server.url, pair.accessToken);
    expect(await c.waitClose()).toBe(4401);
    expect(c.closeReason).toBe('access token expired');
  });
});
