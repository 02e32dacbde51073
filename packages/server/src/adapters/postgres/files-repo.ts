import type { Preview } from '@open-discord/protocol';
import type { FileReferences, FileRow, FilesRepository } from '../../features/files/repository.js';
import type { Sql } from './repo-sql.js';

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
  size: Number(r.size),
  mime: r.mime,
  width: r.width,
  height: r.height,
  thumb: Number(r.thumb) !== 0,
  preview: r.preview ? (JSON.parse(r.preview) as Preview) : null,
  createdAt: Number(r.created_at),
});

/** PostgreSQL implementation of the files feature's FilesRepository (files, message_files). */
export class PgFilesRepo implements FilesRepository {
  constructor(private readonly db: Sql) {}

  async insert(f: FileRow): Promise<void> {
    await this.db.run(
      `INSERT INTO files (id, sha256, uploader_id, name, size, mime, width, height, thumb, preview, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [f.id, f.sha256, f.uploaderId, f.name, f.size, f.mime, f.width, f.height, f.thumb ? 1 : 0, f.preview ? JSON.stringify(f.preview) : null, f.createdAt],
    );
  }
  async get(id: string): Promise<FileRow | null> {
    const r = await this.db.row<RawFile>(
      'SELECT id, sha256, uploader_id, name, size, mime, width, height, thumb, preview, created_at FROM files WHERE id = $1',
      [id],
    );
    return r ? toRow(r) : null;
  }
  async references(fileId: string): Promise<FileReferences> {
    // In the order the messages were written (SQLite reads its link index in insertion order).
    const rows = await this.db.rows<{ room_id: string; deleted: number }>(
      'SELECT m.room_id, m.deleted FROM message_files mf JOIN messages m ON m.id = mf.message_id WHERE mf.file_id = $1 ORDER BY m.event_order',
      [fileId],
    );
    return { referenced: rows.length > 0, liveRooms: [...new Set(rows.filter((r) => Number(r.deleted) === 0).map((r) => r.room_id))] };
  }
  async link(messageId: string, fileIds: readonly string[]): Promise<void> {
    if (fileIds.length === 0) return;
    await this.db.run(
      'INSERT INTO message_files (message_id, file_id) SELECT $1, f FROM unnest($2::text[]) AS f ON CONFLICT DO NOTHING',
      [messageId, [...fileIds]],
    );
  }
  async uploadsSince(uploaderId: string, since: number): Promise<Array<{ createdAt: number; size: number }>> {
    const rows = await this.db.rows<{ created_at: number; size: number }>(
      'SELECT created_at, size FROM files WHERE uploader_id = $1 AND created_at > $2 ORDER BY created_at',
      [uploaderId, since],
    );
    return rows.map((r) => ({ createdAt: Number(r.created_at), size: Number(r.size) }));
  }
}
