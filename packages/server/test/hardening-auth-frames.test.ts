import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSecret } from '../src/features/accounts/secret.js';
import { post, RawClient, signup, testScope } from './helpers.js';

const { cleanups, setup } = testScope();

/** Open a socket, send one frame, and return how it was closed. */
async function closedBy(url: string, frame: unknown): Promise<{ code: number; reason: string }> {
  const c = await RawClient.open(url);
  c.sendJson(frame);
  const code = await c.waitClose();
  return { code, reason: c.closeReason };
}

/* Finding 9: auth frames with a bad token or field closed with 4400 "the first frame must be auth". */
describe('close codes for bad auth frames', () => {
  it('an empty, over-long or missing token closes with 4401; a bad resumeAfter with 4400 saying so', async () => {
    const server = await setup();
    const pair = await signup(server.url, 'alice');
    for (const token of ['', 'x'.repeat(4097), 42, undefined]) {
      const r = await closedBy(server.url, { type: 'auth', token });
      expect(r.code, `token ${String(token).slice(0, 10)}`).toBe(4401);
      expect(r.reason).toBe('invalid or expired token');
    }
    for (const resumeAfter of [-1, 1.5, 'ten']) {
      const r = await closedBy(server.url, { type: 'auth', token: pair.accessToken, resumeAfter });
      expect(r.code).toBe(4400);
      expect(r.reason).toMatch(/^bad auth frame: auth: resumeAfter/);
    }
    // A first frame that is not auth at all keeps its own reason.
    const notAuth = await closedBy(server.url, { id: '1', type: 'state' });
    expect(notAuth).toEqual({ code: 4400, reason: 'the first frame must be auth' });
  });

  it('a second auth with an id gets its BAD_REQUEST reply addressed to that id', async () => {
    const server = await setup();
    const pair = await signup(server.url, 'bob');
    const c = await RawClient.connect(server.url, pair.accessToken);
    cleanups.push(() => c.close());
    c.sendJson({ type: 'auth', id: 'again-1', token: pair.accessToken });
    const reply = await c.waitFrame((f) => f.type === 'reply' && f.ok === false);
    expect(reply.replyTo).toBe('again-1');
    expect(reply.error.code).toBe('BAD_REQUEST');
    expect(c.closeCode).toBeNull();
  });
});

/* Finding 11: tokens with an unknown `crit` header or an `iat` in the future were accepted. */
describe('JWT header and iat checks', () => {
  it('refuses a crit header and an iat beyond the 30 s skew, accepts an iat within it', async () => {
    const server = await setup();
    const pair = await signup(server.url, 'carol');
    const secret = loadOrCreateSecret(server.dataDir);
    const claims = jwt.decode(pair.accessToken) as Record<string, any>;
    const now = Math.floor(Date.now() / 1000);
    const sign = (over: object, header: object = {}) =>
      jwt.sign({ ...claims, ...over }, secret, { algorithm: 'HS256', header: { alg: 'HS256', typ: 'JWT', ...header } as any });

    const refusedBoth = async (token: string) => {
      const http = await post(server.url, '/api/logout-all', {}, { authorization: `Bearer ${token}` });
      expect(http.status).toBe(401);
      expect((await closedBy(server.url, { type: 'auth', token })).code).toBe(4401);
    };
    await refusedBoth(sign({}, { crit: ['exp'] }));
    await refusedBoth(sign({}, { crit: ['x-unknown'], 'x-unknown': 1 }));
    await refusedBoth(sign({ iat: now + 3600, exp: now + 7200 }));
    await refusedBoth(sign({ iat: now + 31 + 5, exp: now + 900 }));
    // Controls: the same claims signed the same way without crit are fine, and so is an iat within the
    // documented skew (a server a few seconds ahead of us).
    const plain = await RawClient.connect(server.url, sign({}));
    cleanups.push(() => plain.close());
    const skewed = sign({ iat: now + 10, exp: now + 900 });
    const c = await RawClient.connect(server.url, skewed);
    cleanups.push(() => c.close());
    expect(c.ready.user.username).toBe('carol');
  });
});
