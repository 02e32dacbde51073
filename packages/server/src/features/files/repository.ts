import type { Preview } from '@open-discord/protocol';
import type { Awaitable } from '../../ports/awaitable.js';

/** One upload: who sent it, what it is, and the content-addressed blob it points at. */
export interface FileRow {
  id: string;
  /** sha256 of the stored bytes (after re-encoding): the blob's name on disk, shared by equal uploads. */
  sha256: string;
  uploaderId: string;
  /** Display only (already sanitised); never a path. */
  name: string;
  size: number;
  mime: string;
  width: number | null;
  height: number | null;
  thumb: boolean;
  preview: Preview | null;
  createdAt: number;
}

/** Who may fetch a file follows from the messages that carry it. */
export interface FileReferences {
  /** Some message (live or deleted) has carried the file. */
  referenced: boolean;
  /** Rooms of the live messages that carry it. */
  liveRooms: string[];
}

/** Uploaded files and the messages that carry them: the files feature's storage. */
export interface FilesRepository {
  insert(f: FileRow): Awaitable<void>;
  get(id: string): Awaitable<FileRow | null>;
  references(fileId: string): Awaitable<FileReferences>;
  /** Record that a message carries these files (inside the write that inserts the message). */
  link(messageId: string, fileIds: readonly string[]): Awaitable<void>;
  /** A user's uploads after `since` (ms), oldest first: their size and time, for the upload quota. */
  uploadsSince(uploaderId: string, since: number): Awaitable<Array<{ createdAt: number; size: number }>>;
}
