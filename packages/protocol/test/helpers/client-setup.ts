import { OdClient, ProtocolError, type ClientEvent, type ConnectionStatus, type StateResult, type TokenSource } from '@open-discord/protocol';
import { state } from './fixtures.js';
import type { ScriptedConn, ScriptedServer } from './scripted-server.js';

/** A token source that records whether each call forced a refresh. */
export function tokens(fail?: () => Error | null): TokenSource & { calls: boolean[] } {
  const calls: boolean[] = [];
  return {
    calls,
    async getAccessToken(force = false) {
      calls.push(force);
      const err = fail?.();
      if (err) throw err;
      return force ? 'token-refreshed' : 'token';
    },
  };
}

export interface Harness {
  client: OdClient;
  events: ClientEvent[];
  statuses: ConnectionStatus[];
  snapshots: [StateResult, string][];
  warnings: string[];
}

/** A client with tiny fixed backoff (random = 0 → no jitter) recording everything it emits. */
export function makeClient(server: ScriptedServer, extra: Partial<ConstructorParameters<typeof OdClient>[0]> = {}): Harness {
  const client = new OdClient({
    url: server.url,
    tokens: tokens(),
    backoff: { initialMs: 5, maxMs: 20 },
    random: () => 0,
    requestTimeoutMs: 2000,
    ...extra,
  });
  const h: Harness = { client, events: [], statuses: [], snapshots: [], warnings: [] };
  client.on('event', (e) => h.events.push(e));
  client.on('status', (s) => h.statuses.push(s));
  client.on('snapshot', (s, reason) => h.snapshots.push([s, reason]));
  client.on('warning', (w) => h.warnings.push(w));
  return h;
}

/** Drive a fresh client through auth → ready → state → live. */
export async function goLive(server: ScriptedServer, h: Harness, head = 10): Promise<ScriptedConn> {
  const connected = h.client.connect();
  const conn = await server.nextConnection();
  await conn.next('auth');
  conn.ready({ head });
  conn.reply(await conn.next('state'), state({ head }));
  await connected;
  return conn;
}

export const isProtocolError = (code: string) => (e: unknown) => e instanceof ProtocolError && e.code === code;
