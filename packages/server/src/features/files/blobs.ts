import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ProtocolError } from '@open-discord/protocol';
import { SNIFF_BYTES } from './sniff.js';

/**
 * The files folder: content-addressed blobs (`<sha256>`, and `<sha256>.thumb` for an image's thumbnail)
 * and `tmp/`, where uploads stream to before they are known. Names come from hashes and random bytes only:
 * nothing a client sends ever becomes part of a path.
 */
export class BlobStore {
  private ready: Promise<void> | null = null;
  constructor(readonly dir: string) {}

  private prepare(): Promise<void> {
    this.ready ??= fsp.mkdir(path.join(this.dir, 'tmp'), { recursive: true, mode: 0o700 }).then(() => undefined);
    return this.ready;
  }

  blobPath(sha256: string): string {
    return path.join(this.dir, sha256);
  }
  thumbPath(sha256: string): string {
    return path.join(this.dir, `${sha256}.thumb`);
  }

  /**
   * Stream a body to a temp file, counting and hashing as it goes; refuses (PAYLOAD_TOO_LARGE) once it
   * passes `maxBytes`, and removes what it wrote. The caller removes the temp file once done with it.
   */
  async receive(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number): Promise<{ tmp: string; size: number; sha256: string; head: Buffer }> {
    await this.prepare();
    const tmp = path.join(this.dir, 'tmp', `${randomBytes(12).toString('hex')}.part`);
    const out = fs.createWriteStream(tmp, { mode: 0o600, highWaterMark: 1024 * 1024 });
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headLen = 0;
    let size = 0;
    const failed = new Promise<never>((_, reject) => out.once('error', reject));
    failed.catch(() => {});
    try {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new ProtocolError('PAYLOAD_TOO_LARGE', `file is larger than ${maxBytes} bytes`);
        hash.update(chunk);
        if (headLen < SNIFF_BYTES) {
          head.push(Buffer.from(chunk.subarray(0, SNIFF_BYTES - headLen)));
          headLen += Math.min(chunk.byteLength, SNIFF_BYTES - headLen);
        }
        if (!out.write(chunk)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
      }
      await Promise.race([new Promise<void>((r) => out.end(r)), failed]);
      return { tmp, size, sha256: hash.digest('hex'), head: Buffer.concat(head) };
    } catch (error) {
      out.destroy();
      await fsp.rm(tmp, { force: true });
      throw error;
    }
  }

  /** Keep the bytes under their hash: an existing blob (same content) is kept and the new copy dropped. */
  async keepFile(tmp: string, sha256: string): Promise<void> {
    const dest = this.blobPath(sha256);
    if (await exists(dest)) return fsp.rm(tmp, { force: true });
    await fsp.rename(tmp, dest);
  }

  /** Keep re-encoded bytes under their hash (written to a temp name first, so a reader never sees half). */
  async keepBytes(dest: string, data: Buffer): Promise<void> {
    if (await exists(dest)) return;
    await this.prepare();
    const tmp = path.join(this.dir, 'tmp', `${randomBytes(12).toString('hex')}.part`);
    await fsp.writeFile(tmp, data, { mode: 0o600 });
    await fsp.rename(tmp, dest);
  }

  static sha256(data: Buffer): string {
    return createHash('sha256').update(data).digest('hex');
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}
