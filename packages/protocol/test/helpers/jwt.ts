/** An unsigned JWT-shaped token with the given `exp` (seconds): the client reads `exp` but never verifies. */
export function fakeJwt(expSec: number, extra: Record<string, unknown> = {}): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'u1', exp: expSec, ...extra })}.signature`;
}
