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
  /**
   * Blobs an upload is keeping right now (from the moment its hash is known until its file row is
   * committed): the retention sweeper never removes one of these, even if no row uses it yet.
   */
  private readonly pins = new Map<string, number>();
  /** Blobs being removed: an upload of the same content waits for the removal, then writes its own copy. */
  private readonly removing = new Map<string, Promise<void>>();
  constructor(readonly dir: string) {}

  /** Keep `sha256` from removal until the returned function is called. */
  pin(sha256: string): () => void {
    this.pins.set(sha256, (this.pins.get(sha256) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.pins.get(sha256) ?? 1) - 1;
      if (left > 0) this.pins.set(sha256, left);
      else this.pins.delete(sha256);
    };
  }

  pinned(sha256: string): boolean {
    return this.pins.has(sha256);
  }

  /**
   * Remove a blob and its thumbnail from disk, unless an upload holds it. The caller has checked that no
   * file row uses it; the check and the start of the removal happen in one turn, so an upload that pins
   * the blob afterwards waits for the removal (see `keepFile`) and writes the bytes again.
   */
  remove(sha256: string): Promise<boolean> {
    if (this.pinned(sha256) || !/^[0-9a-f]{64}$/.test(sha256)) return Promise.resolve(false);
    const running = this.removing.get(sha256);
    if (running) return running.then(() => true);
    const p = Promise.all([fsp.rm(this.blobPath(sha256), { force: true }), fsp.rm(this.thumbPath(sha256), { force: true })]).then(() => {});
    this.removing.set(sha256, p);
    return p.then(
      () => {
        this.removing.delete(sha256);
        return true;
      },
      (error: unknown) => {
        this.removing.delete(sha256);
        throw error;
      },
    );
  }

  /** Wait until a removal of this blob, if one is running, has finished. */
  private settled(sha256: string): Promise<void> {
    return this.removing.get(sha256)?.catch(() => {}) ?? Promise.resolve();
  }

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
    await this.settled(sha256);
    const dest = this.blobPath(sha256);
    if (await exists(dest)) return fsp.rm(tmp, { force: true });
    await fsp.rename(tmp, dest);
  }

  /** Keep re-encoded bytes under their hash (written to a temp name first, so a reader never sees half). */
  async keepBytes(dest: string, data: Buffer): Promise<void> {
    await this.settled(path.basename(dest).replace(/\.thumb$/, ''));
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
