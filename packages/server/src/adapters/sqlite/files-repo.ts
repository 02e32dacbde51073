import type { Preview } from '@open-discord/protocol';
import type { Db } from './db.js';
import type { FileReferences, FileRow, FilesRepository } from '../../features/files/repository.js';

interface RawFile {
  id: string;
  sha256: string;
  uploader_id: string;
  name: string;
  size: number;
  mime: string;
  width: number | null;
  height: number | null;
  thumb: number;
  preview: string | null;
  created_at: number;
}

const toRow = (r: RawFile): FileRow => ({
  id: r.id,
  sha256: r.sha256,
  uploaderId: r.uploader_id,
  name: r.name,
  size: r.size,
  mime: r.mime,
  width: r.width,
  height: r.height,
  thumb: r.thumb !== 0,
  preview: r.preview ? (JSON.parse(r.preview) as Preview) : null,
  createdAt: r.created_at,
});

/** SQLite implementation of the files feature's FilesRepository. */
export class SqliteFilesRepo implements FilesRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO files (id, sha256, uploader_id, name, size, mime, width, height, thumb, preview, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare<[string], RawFile>('SELECT * FROM files WHERE id = ?'),
      refs: db.prepare<[string], { room_id: string; deleted: number }>(
        `SELECT m.room_id, m.deleted FROM message_files mf JOIN messages m ON m.id = mf.message_id WHERE mf.file_id = ?`,
      ),
      link: db.prepare('INSERT OR IGNORE INTO message_files (message_id, file_id) VALUES (?, ?)'),
      uploadsSince: db.prepare<[string, number], { created_at: number; size: number }>(
        'SELECT created_at, size FROM files WHERE uploader_id = ? AND created_at > ? ORDER BY created_at',
      ),
    };
  }

  insert(f: FileRow): void {
    this.s.insert.run(
      f.id,
      f.sha256,
      f.uploaderId,
      f.name,
      f.size,
      f.mime,
      f.width,
      f.height,
      f.thumb ? 1 : 0,
      f.preview ? JSON.stringify(f.preview) : null,
      f.createdAt,
    );
  }
  get(id: string): FileRow | null {
    const r = this.s.get.get(id);
    return r ? toRow(r) : null;
  }
  references(fileId: string): FileReferences {
    const rows = this.s.refs.all(fileId);
    return { referenced: rows.length > 0, liveRooms: [...new Set(rows.filter((r) => r.deleted === 0).map((r) => r.room_id))] };
  }
  link(messageId: string, fileIds: readonly string[]): void {
    for (const f of fileIds) this.s.link.run(messageId, f);
  }

  uploadsSince(uploaderId: string, since: number): Array<{ createdAt: number; size: number }> {
    return this.s.uploadsSince.all(uploaderId, since).map((r) => ({ createdAt: r.created_at, size: r.size }));
  }
}
