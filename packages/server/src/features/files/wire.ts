import type { Attachment } from '@open-discord/protocol';
import type { FileRow } from './repository.js';

/** The wire shape of a stored file: optional fields only when set. */
export function fileToAttachment(f: FileRow): Attachment {
  const out: Attachment = { id: f.id, name: f.name, size: f.size, mime: f.mime };
  if (f.width !== null) out.width = f.width;
  if (f.height !== null) out.height = f.height;
  if (f.thumb) out.thumb = true;
  if (f.preview !== null) out.preview = f.preview;
  return out;
}
