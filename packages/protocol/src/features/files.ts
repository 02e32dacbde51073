import { Attachment } from '../model.js';

// Uploads and downloads. Files travel over HTTP (`Authorization: Bearer <access token>`), never over the
// WebSocket: a message then refers to them by id (`message.send` `attachments`) and carries their
// descriptors (`Message.attachments`). The feature has no events or requests of its own.

export const FILE_PATHS = {
  /** `POST`, body = the file's bytes, `?name=<file name>` (display only); answers an `Attachment`. */
  upload: '/api/files',
  /** `GET /api/files/<id>` and `GET /api/files/<id>/thumb`. */
  prefix: '/api/files/',
} as const;

/** The largest upload a server accepts unless configured otherwise (`--max-upload-mb`). */
export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** What `POST /api/files` answers: the stored file's descriptor, ready for `message.send`. */
export const UploadResult = Attachment;

/** The longest display name kept for a file (in code points). */
export const FILE_NAME_MAX = 120;

/**
 * A file name fit for display: the last path segment only, no control, bidi or invisible characters, no
 * leading dots, at most FILE_NAME_MAX code points; `file` when nothing is left. Shared by the server (which
 * stores only this) and clients (which save downloads under it), so a name can never climb out of a folder.
 */
export function displayFileName(raw: string): string {
  const last = raw.split(/[/\\]/).pop() ?? '';
  const clean = last
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  const cut = [...clean].slice(0, FILE_NAME_MAX).join('').trim();
  return cut.length > 0 ? cut : 'file';
}

/** `120 KB`, `3.4 MB`: sizes as people read them. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}
