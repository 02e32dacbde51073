import { fileTransfer } from '../files/transfer.js';
import { openClient, requireSession } from './open-client.js';

/** `od download FILE_ID [--out PATH]`: save one file (to the download folder by default); prints where. */
export async function runDownload(dir: string, server: string | undefined, fileId: string, out: string | undefined): Promise<string> {
  const { name, session } = requireSession(dir, server);
  const { auth, client } = openClient(dir, name, session);
  try {
    return await fileTransfer(session.url, auth).download(fileId, out);
  } finally {
    client.close();
  }
}
