import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { type Attachment, displayFileName, downloadFile, type TokenSource, uploadFile } from '@open-discord/protocol';
import { downloadDir, expandHome, freePath } from './paths.js';

/** The largest thumbnail od reads (the server's are PNGs of at most 320×320 pixels, well under this). */
export const THUMB_MAX_BYTES = 2 * 1024 * 1024;

/** What the chat needs to move files: the server's URL and the session's tokens. */
export interface FileTransfer {
  upload(filePath: string, onProgress: (done: number, total: number) => void): Promise<Attachment>;
  /** Saves to `out` (a file, or a folder to put it in), else to the download folder; returns where. */
  download(fileId: string, out?: string, onProgress?: (done: number, total: number) => void): Promise<string>;
  /** A thumbnail's bytes (a PNG the server made), at most THUMB_MAX_BYTES. */
  thumbnail(fileId: string): Promise<Uint8Array>;
  /** Hand a file to the desktop's opener (xdg-open, open, start). */
  open(filePath: string): void;
}

/** A path that names an existing regular file, or null. */
export function existingFile(p: string): string | null {
  const full = path.resolve(expandHome(p.trim()));
  try {
    return fs.statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

export function fileTransfer(url: string, tokens: TokenSource): FileTransfer {
  return {
    async upload(filePath, onProgress) {
      const full = path.resolve(expandHome(filePath));
      const stat = await fsp.stat(full);
      if (!stat.isFile()) throw new Error(`${filePath} is not a file`);
      const body = Readable.toWeb(fs.createReadStream(full, { highWaterMark: 256 * 1024 })) as ReadableStream<Uint8Array>;
      return uploadFile(url, await tokens.getAccessToken(), { name: path.basename(full), size: stat.size, body }, { onProgress });
    },
    async download(fileId, out, onProgress) {
      const got = await downloadFile(url, await tokens.getAccessToken(), fileId, { onProgress });
      const target = out ? path.resolve(expandHome(out)) : downloadDir();
      const isDir = fs.existsSync(target) && fs.statSync(target).isDirectory();
      if (!out) await fsp.mkdir(target, { recursive: true });
      const dest = isDir || !out ? freePath(target, displayFileName(got.name)) : target;
      // Written under a temporary name first: an interrupted download never looks like a finished one.
      const part = `${dest}.part`;
      try {
        await got.body.pipeTo(Writable.toWeb(fs.createWriteStream(part, { mode: 0o600 })));
        await fsp.rename(part, dest);
      } catch (error) {
        await fsp.rm(part, { force: true });
        throw error;
      }
      return dest;
    },
    async thumbnail(fileId) {
      const got = await downloadFile(url, await tokens.getAccessToken(), fileId, { thumb: true });
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of got.body) {
        size += chunk.byteLength;
        // The server's thumbnails are small; anything this large is not one, and is not kept in memory.
        if (size > THUMB_MAX_BYTES) throw new Error('thumbnail too large');
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    },
    open(filePath) {
      const [cmd, args] =
        process.platform === 'darwin' ? ['open', [filePath]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', filePath]] : ['xdg-open', [filePath]];
      const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore' });
      child.on('error', () => {});
      child.unref();
    },
  };
}
