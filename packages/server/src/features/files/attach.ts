import type { Attachment } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { Storage } from '../../ports/storage.js';
import { fileToAttachment } from './wire.js';

/**
 * The descriptors of the files a message will carry, inside its write: only files the sender uploaded.
 * Another user's file and an unknown id get the same answer, so ids cannot be probed.
 */
export async function attachmentsOf(store: Storage, senderId: string, ids: readonly string[]): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const id of new Set(ids)) {
    const row = await store.files.get(id);
    if (!row || row.uploaderId !== senderId) throw new ProtocolError('BAD_REQUEST', `unknown attachment ${id}`);
    out.push(fileToAttachment(row));
  }
  return out;
}
