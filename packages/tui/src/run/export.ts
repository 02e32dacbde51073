import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { downloadFile, exportAccount, type TokenSource } from '@open-discord/protocol';
import { expandHome } from '../files/paths.js';
import { entryName, tarEnd, tarHeader, tarPadding } from '../files/tar.js';
import { openClient, requireSession } from './open-client.js';

/** `[#####.....] 3/10 files` on one line of stderr, redrawn in place. */
function progressLine(done: number, total: number): string {
  const width = 20;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`;
}

/**
 * `od export [--out FILE]`: one tar archive with everything the server holds about this account that it may
 * see — `export.json` (profile, messages written, rooms they are in, reactions, uploads) and each upload under
 * `files/`. Written under a temporary name first, so an interrupted export never looks finished. Returns the path.
 */
export async function runExport(dir: string, server: string | undefined, out: string | undefined, progress: (text: string) => void): Promise<string> {
  const { name, session } = requireSession(dir, server);
  const { auth, client } = openClient(dir, name, session);
  try {
    return await writeExport(session.url, auth, out, progress);
  } finally {
    client.close();
  }
}

/**
 * The archive itself, for `od export` and `/account export` alike: fetch the export with the session's
 * tokens, write it and each upload into one tar file, report progress, answer a one-line summary.
 */
export async function writeExport(url: string, auth: TokenSource, out: string | undefined, progress: (text: string) => void): Promise<string> {
  const data = await exportAccount(url, await auth.getAccessToken());
  const stamp = new Date(data.exportedAt).toISOString().slice(0, 10);
  const dest = path.resolve(expandHome(out ?? `od-export-${data.user.username}-${stamp}.tar`));
  const part = `${dest}.part`;
  const file = fs.createWriteStream(part, { mode: 0o600 });
  const write = async (chunk: Buffer | Uint8Array) => {
    if (!file.write(chunk)) await once(file, 'drain');
  };
  try {
    const json = Buffer.from(JSON.stringify(data, null, 2) + '\n');
    await write(tarHeader('export.json', json.length, data.exportedAt));
    await write(json);
    await write(tarPadding(json.length));
    progress(progressLine(0, data.files.length));
    for (const [i, f] of data.files.entries()) {
      const got = await downloadFile(url, await auth.getAccessToken(), f.id);
      await write(tarHeader(entryName(f.id, f.name), f.size, f.createdAt));
      let size = 0;
      for await (const chunk of got.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > f.size) throw new Error(`${f.name} is larger than the server said; export stopped`);
        await write(chunk);
      }
      if (size !== f.size) throw new Error(`${f.name} ended early; export stopped`);
      await write(tarPadding(size));
      progress(progressLine(i + 1, data.files.length));
    }
    await write(tarEnd());
    file.end();
    await once(file, 'finish');
    fs.renameSync(part, dest);
    progress('\n');
    return `exported ${data.messages.length} messages, ${data.reactions.length} reactions and ${data.files.length} files to ${dest}`;
  } catch (error) {
    file.destroy();
    fs.rmSync(part, { force: true });
    throw error;
  }
}
