import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../src/features/accounts/passwords.js';
import { post, signup, testScope, testServer } from './helpers.js';

/*
 * Finding 7: after the bcrypt cost was raised, an unknown user (dummy hash at the new cost) took far longer
 * than a wrong password for an account still hashed at the old cost. Not timed: the test records the cost
 * of every bcrypt comparison each login makes, which is what its duration is made of.
 */
const { cleanups, setup } = testScope();

describe('bcrypt cost changes', () => {
  it('unknown users and wrong passwords for old-cost accounts do the same highest-cost work; logins upgrade old hashes', async () => {
    const first = await setup({ bcryptCost: 4 });
    await signup(first.url, 'old');
    await first.close();
    const server = await testServer({ dataDir: first.dataDir, bcryptCost: 5 });
    cleanups.push(() => server.close());
    const { services, storage: store } = server.app;
    expect(PasswordHasher.costOf(store.users.byUsername('old')!.passwordHash)).toBe(4);

    const hasher = (services.auth as any).passwords as PasswordHasher;
    const compared: number[] = [];
    const verify = hasher.verify.bind(hasher);
    hasher.verify = (password: string, hash: string) => {
      compared.push(PasswordHasher.costOf(hash));
      return verify(password, hash);
    };
    const attempt = async (username: string, password: string) => {
      compared.length = 0;
      const r = await post(server.url, '/api/login', { username, password });
      return { status: r.status, costs: [...compared] };
    };
    const unknown = await attempt('nobody', 'wrong password');
    const wrong = await attempt('old', 'wrong password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(Math.max(...unknown.costs)).toBe(5);
    expect(Math.max(...wrong.costs)).toBe(5);

    // The right password upgrades the stored hash to the current cost; from then on one comparison at it.
    expect((await attempt('old', 'correct horse')).status).toBe(200);
    expect(PasswordHasher.costOf(store.users.byUsername('old')!.passwordHash)).toBe(5);
    expect((await attempt('old', 'wrong password')).costs).toEqual([5]);
    expect((await attempt('nobody', 'wrong password')).costs).toEqual([5]);
    expect((await attempt('old', 'correct horse')).status).toBe(200);
  });
});
