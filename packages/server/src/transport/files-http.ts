import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FILE_PATHS, ProtocolError } from '@open-discord/protocol';
import type { Services } from '../app.js';
import { httpBody } from '../wire/encode.js';

/** `/api/files/<id>` and `/api/files/<id>/thumb`; ids are the server's own (base64url). */
const FILE_ROUTE = /^\/api\/files\/([A-Za-z0-9_-]{1,64})(\/thumb)?$/;

export const isFilePath = (path: string) => path === FILE_PATHS.upload || path.startsWith(FILE_PATHS.prefix);

/** `filename*=` (RFC 6266/5987) plus a plain ASCII fallback; the name was sanitised when it was stored. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * Uploads and downloads, authenticated by the access token in the Authorization header. An upload's size
 * is checked from Content-Length before its body is read, and again while it streams.
 */
export function createFilesHttp(services: Services, bearer: (req: IncomingMessage) => string) {
  const { auth, files } = services;

  async function user(req: IncomingMessage): Promise<string> {
    const a = await auth.verify(bearer(req));
    if (!a) throw new ProtocolError('UNAUTHORIZED', 'invalid or expired access token');
    return a.user.id;
  }

  async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new ProtocolError('BAD_REQUEST', 'use POST');
    const raw = req.headers['content-length'];
    const declared = raw === undefined ? null : /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (Number.isNaN(declared)) throw new ProtocolError('BAD_REQUEST', 'bad Content-Length');
    files.checkDeclaredSize(declared);
    const userId = await user(req);
    const name = new URL(req.url ?? '/', 'http://localhost').searchParams.get('name') ?? 'file';
    const result = await files.upload(userId, name, declared, req);
    const text = httpBody(result);
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  }

  async function download(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ProtocolError('BAD_REQUEST', 'use GET');
    const m = FILE_ROUTE.exec(path);
    const userId = await user(req);
    // A malformed id is just another file that does not exist.
    if (!m) throw new ProtocolError('NOT_FOUND', 'file not found');
    const file = await files.open(userId, m[1]!, m[2] !== undefined);
    const stream = fs.createReadStream(file.path);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    }).catch(() => {
      throw new ProtocolError('NOT_FOUND', 'file not found');
    });
    res.writeHead(200, {
      'content-type': file.mime,
      'content-length': file.size,
      'content-disposition': disposition(file.name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    });
    if (req.method === 'HEAD') {
      stream.destroy();
      res.end();
      return;
    }
    stream.pipe(res);
    stream.once('error', () => res.destroy());
  }

  return async function handleFiles(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === FILE_PATHS.upload) return upload(req, res);
    return download(req, res, path);
  };
}
