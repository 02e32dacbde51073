import fsp from 'node:fs/promises';
import type { Attachment } from '@open-discord/protocol';
import { displayFileName, ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import type { WriteLimits } from '../../core/write-limits.js';
import { BlobStore } from './blobs.js';
import { processImage } from './images.js';
import { UploadQuota } from './quota.js';
import type { FileRow } from './repository.js';
import { sniff } from './sniff.js';
import { fileToAttachment } from './wire.js';

/** What the blob store took in: the temp file, its size, hash and first bytes. */
type Received = Awaited<ReturnType<BlobStore['receive']>>;

export interface FilesOptions {
  /** The files folder (`<data-dir>/files`); null: this process serves no files (the command line). */
  dir: string | null;
  maxBytes: number;
  /** Bytes one user may upload in any 24 hours; null or absent: no quota. */
  quotaBytes?: number | null;
  /** The per-user write buckets: each upload spends one of the `upload` kind; absent: unlimited. */
  limits?: WriteLimits | null;
}

/** What the transport streams back for an allowed download. */
export interface Servable {
  path: string;
  size: number;
  mime: string;
  name: string;
}

export const MAX_UPLOADS_IN_FLIGHT = 2;

/** The one answer for a file that does not exist and for one the user may not see. */
export const fileNotFound = () => new ProtocolError('NOT_FOUND', 'file not found');

/**
 * Uploads and downloads. The slow part of an upload — streaming to disk, hashing, re-encoding and
 * thumbnailing — happens before the one small write (the file's row) goes through the commit queue.
 */
export class FilesService {
  readonly blobs: BlobStore | null;
  /** Uploads streaming per user: a few at a time, so one account cannot hold many sockets and temp files. */
  private readonly inFlight = new Map<string, number>();
  private readonly quota: UploadQuota;
  constructor(
    private readonly d: ServiceDeps,
    readonly o: FilesOptions,
  ) {
    this.blobs = o.dir === null ? null : new BlobStore(o.dir);
    this.quota = new UploadQuota(d.store, o.quotaBytes ?? null, d.now);
  }

  /** Refuse a declared size over the cap before any of the body is read. */
  checkDeclaredSize(declared: number | null): void {
    if (declared !== null && declared > this.o.maxBytes) {
      throw new ProtocolError('PAYLOAD_TOO_LARGE', `file is larger than ${this.o.maxBytes} bytes`);
    }
  }

  async upload(userId: string, rawName: string, declared: number | null, body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Attachment> {
    const blobs = this.blobs;
    if (!blobs) throw new ProtocolError('UNAVAILABLE', 'this server does not store files');
    this.checkDeclaredSize(declared);
    const running = this.inFlight.get(userId) ?? 0;
    if (running >= MAX_UPLOADS_IN_FLIGHT) throw new ProtocolError('RATE_LIMITED', `at most ${MAX_UPLOADS_IN_FLIGHT} uploads at a time`, 1000);
    // Before any of the body is read: the upload bucket, then the quota by the declared size (checked
    // again by the real size once it has arrived, for a body sent without a Content-Length).
    this.o.limits?.spend(userId, 'upload');
    this.inFlight.set(userId, running + 1);
    try {
      if (declared !== null) await this.quota.check(userId, declared);
      return await this.store(blobs, userId, rawName, declared, body);
    } finally {
      const left = (this.inFlight.get(userId) ?? 1) - 1;
      if (left > 0) this.inFlight.set(userId, left);
      else this.inFlight.delete(userId);
    }
  }

  /** Uploads of this user still streaming or being processed. */
  uploadsInFlight(userId: string): number {
    return this.inFlight.get(userId) ?? 0;
  }

  private async store(blobs: BlobStore, userId: string, rawName: string, declared: number | null, body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Attachment> {
    const got = await blobs.receive(body, this.o.maxBytes);
    if (declared !== null && got.size !== declared) {
      await fsp.rm(got.tmp, { force: true });
      throw new ProtocolError('BAD_REQUEST', 'the body is shorter than its Content-Length');
    }
    if (got.size === 0) {
      await fsp.rm(got.tmp, { force: true });
      throw new ProtocolError('BAD_REQUEST', 'the file is empty');
    }
    // The real size against the quota, reserved while the file is processed and stored.
    let release: Awaited<ReturnType<UploadQuota['reserve']>>;
    try {
      release = await this.quota.reserve(userId, got.size);
    } catch (error) {
      await fsp.rm(got.tmp, { force: true });
      throw error;
    }
    try {
      const row = await this.keep(blobs, userId, rawName, got);
      // From now on the stored row counts (as it will when read back after a restart).
      release({ at: row.createdAt, size: row.size });
      return fileToAttachment(row);
    } finally {
      release(); // a failed upload gives its reservation back (a no-op after the release above)
    }
  }

  /** Keep the received bytes (re-encoded when they are an image) and insert the file's row. */
  private async keep(blobs: BlobStore, userId: string, rawName: string, got: Received): Promise<FileRow> {
    const kind = sniff(got.head);
    let row: FileRow;
    // Held from the moment the blob's name is known until its row is committed (see BlobStore.pin).
    let unpin = () => {};
    const base = { id: this.d.newId(), uploaderId: userId, name: displayFileName(rawName), mime: kind.mime, createdAt: this.d.now() };
    try {
      if (kind.image) {
        let img;
        try {
          img = await processImage(got.tmp, kind.image);
        } catch {
          throw new ProtocolError('BAD_REQUEST', 'the image could not be decoded');
        }
        const sha256 = BlobStore.sha256(img.data);
        unpin = blobs.pin(sha256);
        await blobs.keepBytes(blobs.blobPath(sha256), img.data);
        await blobs.keepBytes(blobs.thumbPath(sha256), img.thumb);
        row = { ...base, sha256, size: img.data.length, width: img.width, height: img.height, thumb: true, preview: img.preview };
      } else {
        unpin = blobs.pin(got.sha256);
        await blobs.keepFile(got.tmp, got.sha256);
        row = { ...base, sha256: got.sha256, size: got.size, width: null, height: null, thumb: false, preview: null };
      }
    } catch (error) {
      unpin();
      throw error;
    } finally {
      await fsp.rm(got.tmp, { force: true });
    }
    try {
      await this.d.queue.submit(async () => {
        await this.d.store.files.insert(row);
      });
    } finally {
      unpin();
    }
    return row;
  }

  /**
   * A file (or its thumbnail) the user may fetch: one they uploaded that no message carries yet, one a live
   * message they can see carries, or one that is its uploader's current profile avatar (profiles are seen
   * by every user, so their pictures are too; a replaced avatar is no longer served this way). Anything else — unknown id, hidden room, deleted message, no
   * thumbnail — is the same NOT_FOUND, after the same lookups.
   */
  async open(userId: string, fileId: string, thumb: boolean): Promise<Servable> {
    const blobs = this.blobs;
    const row = await this.d.store.files.get(fileId);
    const refs = await this.d.store.files.references(fileId);
    // Looked up for every id, known or not, so the answer's timing does not tell them apart.
    const profile = await this.d.store.forum.profile(row?.uploaderId ?? fileId);
    const view = await this.d.access.view();
    const avatar = row !== null && profile.avatarFileId === row.id;
    const allowed =
      row !== null && (avatar || (!refs.referenced && row.uploaderId === userId) || refs.liveRooms.some((r) => view.canSeeRoom(userId, r)));
    if (!blobs || !row || !allowed || (thumb && !row.thumb)) throw fileNotFound();
    const file = thumb ? blobs.thumbPath(row.sha256) : blobs.blobPath(row.sha256);
    const stat = await fsp.stat(file).catch(() => null);
    if (!stat) throw fileNotFound();
    return { path: file, size: stat.size, mime: thumb ? 'image/png' : row.mime, name: thumb ? `thumb-${row.name}.png` : row.name };
  }
}
