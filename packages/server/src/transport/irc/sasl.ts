/**
 * SASL PLAIN (RFC 4616) as IRC carries it: base64 of `authzid NUL authcid NUL password`. An authzid other
 * than empty or the authcid itself would be logging in as someone else: refused.
 */
export function saslPlain(base64: string): { username: string; password: string } | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return null;
  const parts = Buffer.from(base64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return null;
  const [authz, authc, password] = parts as [string, string, string];
  if (!authc || !password) return null;
  if (authz !== '' && authz !== authc) return null;
  return { username: authc, password };
}
