import { describe, expect, it } from 'vitest';
import { post, testScope } from './helpers.js';

/* A sign-up form checks the invite right after its field: same judgement as sign-up, same address budget. */
const { setup } = testScope();

describe('POST /api/invite-check', () => {
  it('answers ok for an invite that would admit a sign-up, and the sign-up refusal otherwise', async () => {
    const server = await setup({ registration: 'invite' });
    const good = await post(server.url, '/api/invite-check', { invite: server.firstRunInvite!.toLowerCase() });
    expect(good).toEqual({ status: 200, body: { ok: true } });
    const bad = await post(server.url, '/api/invite-check', { invite: 'NOPE-NOPE-NOPE' });
    expect(bad.status).toBe(403);
    expect(bad.body.error).toMatchObject({ code: 'FORBIDDEN', message: 'invalid or expired invite code' });
    expect((await post(server.url, '/api/invite-check', { invite: '' })).status).toBe(400);
  });

  it('spends the address budget that sign-up attempts spend', async () => {
    const server = await setup({ registration: 'invite', authRate: { perSec: 0.001, burst: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(server.url, '/api/invite-check', { invite: `GUESS${i}` })).status);
    expect(statuses).toEqual([403, 403, 403, 429, 429]);
    const signup = await post(server.url, '/api/signup', { username: 'eve', password: 'eve password 1', invite: server.firstRunInvite });
    expect(signup.status).toBe(429);
  });
});
