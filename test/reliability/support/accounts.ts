import { HTTP_PATHS } from '@open-discord/protocol';

/** Sign-up and login over the server's HTTP API, returning status and parsed body without throwing. */

export interface Session {
  userId: string;
  username: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, body: parsed };
}

function toSession(body: Record<string, unknown>, username: string, password: string): Session {
  const user = body.user as { id: string };
  return {
    userId: user.id,
    username,
    password,
    accessToken: String(body.accessToken),
    refreshToken: String(body.refreshToken),
  };
}

export async function signup(baseUrl: string, username: string, password: string, invite?: string): Promise<Session> {
  const r = await postJson(baseUrl, HTTP_PATHS.signup, invite ? { username, password, invite } : { username, password });
  if (r.status !== 200 && r.status !== 201) {
    throw new Error(`signup ${username} failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  }
  return toSession(r.body, username, password);
}

export async function login(baseUrl: string, username: string, password: string): Promise<Session> {
  const r = await postJson(baseUrl, HTTP_PATHS.login, { username, password });
  if (r.status !== 200) throw new Error(`login ${username} failed: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return toSession(r.body, username, password);
}

/** The owner: signs up with the first-run invite. */
export function signupOwner(baseUrl: string, invite: string | null, username = 'owner'): Promise<Session> {
  return signup(baseUrl, username, 'owner-password-1', invite ?? undefined);
}

/** Retry a call that the server may answer with HTTP 429 (auth rate limits), honouring its retryAfterMs. */
export async function retryRateLimited<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const m = /HTTP 429 (.*)$/.exec(String((err as Error).message));
      if (!m || i >= attempts) throw err;
      let wait = 200;
      try {
        const body = JSON.parse(m[1]!) as { error?: { retryAfterMs?: number } };
        wait = Math.min(5_000, body.error?.retryAfterMs ?? wait);
      } catch {
        /* keep the default wait */
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
