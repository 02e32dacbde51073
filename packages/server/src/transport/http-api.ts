import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody, ErrorCode, HttpEndpoint, HttpResult } from '@open-discord/protocol';
import {
  describeIssues,
  HTTP_PATHS,
  LoginBody,
  LogoutBody,
  ProtocolError,
  RefreshBody,
  InviteCheckBody,
  ResetPasswordBody,
  SignupBody,
} from '@open-discord/protocol';
import type { z } from 'zod';
import type { Services } from '../app.js';
import { describe } from '../core/commit-queue.js';
import { httpBody } from '../wire/encode.js';
import { createFilesHttp, isFilePath } from './files-http.js';

/** Request bodies are small JSON objects; anything bigger is refused before it is buffered. */
export const MAX_BODY_BYTES = 16 * 1024;

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  CODE_REQUIRED: 401,
  TIMEOUT: 504,
  INTERNAL: 500,
};

function sendJson(res: ServerResponse, status: number, body: HttpResult<HttpEndpoint> | { error: ErrorBody }, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = httpBody(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ErrorBody): void {
  const headers: Record<string, string> =
    error.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(error.retryAfterMs / 1000)) } : {};
  sendJson(res, STATUS[error.code], { error }, headers);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) return reject(new ProtocolError('PAYLOAD_TOO_LARGE', 'request body too large'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Stop buffering; the connection is closed once the 413 has been sent.
        req.removeAllListeners('data');
        reject(new ProtocolError('PAYLOAD_TOO_LARGE', 'request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function parseBody<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.output<S>> {
  const text = await readBody(req);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new ProtocolError('BAD_REQUEST', 'body is not valid JSON');
  }
  const r = schema.safeParse(data);
  if (!r.success) throw new ProtocolError('BAD_REQUEST', describeIssues(r.error));
  return r.data;
}

function bearer(req: IncomingMessage): string {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw new ProtocolError('UNAUTHORIZED', 'missing bearer token');
  return m[1]!;
}

/** A POST endpoint: its answer is typed by the protocol's HTTP_RESULTS, so a wrong body fails the typecheck. */
type Routes = { [E in Exclude<HttpEndpoint, 'health'>]: (req: IncomingMessage, ip: string) => Promise<HttpResult<E>> };

/** The account API and health check, on the same port as the WebSocket. */
export function createHttpApi(services: Services) {
  const { auth, deps } = services;
  const ok = { ok: true } as const;
  const endpoints: Routes = {
    signup: async (req, ip) => auth.signup(await parseBody(req, SignupBody), ip),
    login: async (req, ip) => auth.login(await parseBody(req, LoginBody), ip),
    refresh: async (req) => auth.refresh((await parseBody(req, RefreshBody)).refreshToken),
    logout: async (req) => {
      await auth.logout((await parseBody(req, LogoutBody)).refreshToken);
      return ok;
    },
    logoutAll: async (req) => {
      await auth.logoutAll(bearer(req));
      return ok;
    },
    inviteCheck: async (req, ip) => auth.checkInvite((await parseBody(req, InviteCheckBody)).invite, ip),
    export: async (req) => {
      const who = await auth.verify(bearer(req));
      if (!who) throw new ProtocolError('UNAUTHORIZED', 'invalid or expired access token');
      return services.accountSecurity.exportData(who.user.id);
    },
    resetPassword: async (req, ip) => {
      await auth.resetPassword(await parseBody(req, ResetPasswordBody), ip);
      return ok;
    },
  };
  const files = createFilesHttp(services, bearer);
  const routes = new Map<string, (req: IncomingMessage, ip: string) => Promise<HttpResult<HttpEndpoint>>>(
    (Object.keys(endpoints) as Array<keyof Routes>).map((e) => [HTTP_PATHS[e], endpoints[e]]),
  );

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const ip = req.socket.remoteAddress ?? 'unknown';
    try {
      if (path === HTTP_PATHS.health) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new ProtocolError('BAD_REQUEST', 'use GET');
        const health: HttpResult<'health'> = { ok: true, head: deps.queue.head };
        return sendJson(res, 200, health);
      }
      if (isFilePath(path)) {
        await files(req, res, path);
        deps.log({ level: 'info', msg: 'http', path: path.startsWith('/api/files/') ? '/api/files/:id' : path, status: 200 });
        return;
      }
      const route = routes.get(path);
      if (!route) throw new ProtocolError('NOT_FOUND', 'no such endpoint');
      if (req.method !== 'POST') throw new ProtocolError('BAD_REQUEST', 'use POST');
      const result = await route(req, ip);
      sendJson(res, 200, result);
      deps.log({ level: 'info', msg: 'http', path, status: 200 });
    } catch (error) {
      const body: ErrorBody =
        error instanceof ProtocolError ? error.toBody() : { code: 'INTERNAL', message: 'internal error' };
      if (!(error instanceof ProtocolError)) deps.log({ level: 'error', msg: 'http failed', path, error: describe(error) });
      else deps.log({ level: 'info', msg: 'http', path, status: STATUS[body.code] });
      // An upload refused before its body was read leaves the body on the socket: close it.
      if (body.code === 'PAYLOAD_TOO_LARGE' || (path === '/api/files' && req.method === 'POST' && !req.readableEnded)) {
        res.setHeader('connection', 'close');
        const socket = req.socket;
        res.on('finish', () => socket?.destroy());
      }
      sendError(res, body);
    }
  };
}
