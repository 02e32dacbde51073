import { ErrorBody, ProtocolError } from '../errors.js';
import { displayFileName, FILE_PATHS, UploadResult } from '../features/files.js';
import type { Attachment } from '../model.js';
import { type HttpOptions, httpUrl, STATUS_CODES } from './http-api.js';

/*
 * Uploads and downloads over HTTP with the access token in the Authorization header (never in the URL).
 * Bodies are web streams, so any runtime with fetch can use them; `od` turns files into streams.
 */

export interface UploadInput {
  /** Shown to others (the server sanitises it and never uses it as a path). */
  name: string;
  /** Exact byte count: sent as Content-Length, so the server can refuse an oversized file before it reads it. */
  size: number;
  body: ReadableStream<Uint8Array> | Uint8Array;
}

export interface TransferOptions extends HttpOptions {
  /** Bytes handed to the connection so far, and the total. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

async function failure(res: Response, what: string): Promise<ProtocolError> {
  const text = await res.text().catch(() => '');
  let data: unknown;
  try {
    data = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    data = undefined;
  }
  const err = ErrorBody.safeParse((data as { error?: unknown } | undefined)?.error);
  if (err.success) return new ProtocolError(err.data.code, err.data.message, err.data.retryAfterMs);
  return new ProtocolError(STATUS_CODES[res.status] ?? (res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST'), `HTTP ${res.status} from ${what}`);
}

function unreachable(base: string, error: unknown): ProtocolError {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  const why = typeof cause === 'string' ? cause : error instanceof Error ? error.message : String(error);
  return new ProtocolError('UNAVAILABLE', `cannot reach ${new URL(base).host}: ${why}`);
}

/** Count the bytes as fetch pulls them, for a progress bar. */
function counted(body: UploadInput['body'], total: number, onProgress?: (done: number, total: number) => void): ReadableStream<Uint8Array> {
  const source =
    body instanceof Uint8Array
      ? new ReadableStream<Uint8Array>({
          start(ctl) {
            ctl.enqueue(body);
            ctl.close();
          },
        })
      : body;
  let done = 0;
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        done += chunk.byteLength;
        onProgress?.(done, total);
        ctl.enqueue(chunk);
      },
    }),
  );
}

/** Upload a file; resolves with its descriptor, to send with `message.send` `attachments: [id]`. */
export async function uploadFile(baseUrl: string, accessToken: string, file: UploadInput, opts: TransferOptions = {}): Promise<Attachment> {
  const doFetch = opts.fetch ?? fetch;
  const url = new URL(httpUrl(baseUrl, FILE_PATHS.upload));
  url.searchParams.set('name', file.name);
  let res: Response;
  try {
    res = await doFetch(url.toString(), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/octet-stream',
        'content-length': String(file.size),
      },
      body: counted(file.body, file.size, opts.onProgress),
      // Streaming request bodies need half duplex (fetch's rule); not in every lib's RequestInit yet.
      duplex: 'half',
      signal: opts.signal,
    } as RequestInit);
  } catch (error) {
    throw unreachable(baseUrl, error);
  }
  if (!res.ok) throw await failure(res, FILE_PATHS.upload);
  const r = UploadResult.safeParse(await res.json().catch(() => null));
  if (!r.success) throw new ProtocolError('INTERNAL', `unexpected reply from ${FILE_PATHS.upload}`);
  return r.data;
}

export interface Download {
  /** From Content-Disposition, made safe for display and for a file name (never a path). */
  name: string;
  /** From the server's Content-Length. */
  size: number;
  mime: string;
  body: ReadableStream<Uint8Array>;
}

/**
 * Fetch a file (or its thumbnail) the user may see. A file that does not exist and one the user may not see
 * both reject with NOT_FOUND.
 */
export async function downloadFile(
  baseUrl: string,
  accessToken: string,
  fileId: string,
  opts: TransferOptions & { thumb?: boolean } = {},
): Promise<Download> {
  const doFetch = opts.fetch ?? fetch;
  const path = FILE_PATHS.prefix + encodeURIComponent(fileId) + (opts.thumb ? '/thumb' : '');
  let res: Response;
  try {
    res = await doFetch(httpUrl(baseUrl, path), { headers: { authorization: `Bearer ${accessToken}` }, signal: opts.signal });
  } catch (error) {
    throw unreachable(baseUrl, error);
  }
  if (!res.ok || !res.body) throw await failure(res, FILE_PATHS.prefix);
  const size = Number(res.headers.get('content-length') ?? 0);
  const mime = res.headers.get('content-type') ?? 'application/octet-stream';
  let done = 0;
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        done += chunk.byteLength;
        opts.onProgress?.(done, size);
        ctl.enqueue(chunk);
      },
    }),
  );
  return { name: nameOf(res.headers.get('content-disposition')), size, mime, body };
}

/** The file name a Content-Disposition header gives (`filename*=UTF-8''…` preferred), cleaned. */
export function nameOf(header: string | null): string {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '')?.[1];
  let raw = '';
  if (star) {
    try {
      raw = decodeURIComponent(star.trim());
    } catch {
      raw = '';
    }
  }
  if (!raw) raw = /filename="([^"]*)"/i.exec(header ?? '')?.[1] ?? '';
  return displayFileName(raw);
}
