import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadFile } from '@open-discord/protocol';
import { testServer } from '../../server/test/helpers.js';
import { writeExport } from '../src/run/export.js';

/*
 * The archive `/account export` writes (the same function as `od export`), against a real server: a tar with
 * export.json first and each upload under files/, written under a temporary name and renamed when complete.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The entries of a ustar archive: name and bytes. */
function untar(buf: Buffer): Array<{ name: string; body: Buffer }> {
  const out: Array<{ name: string; body: Buffer }> = [];
  for (let at = 0; at + 512 <= buf.length; ) {
    const header = buf.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
    out.push({ name, body: buf.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('/account export archive', () => {
  it('holds export.json and the uploads, with progress, at the path asked for', async () => {
    const server = await testServer();
    cleanups.push(() => fs.rmSync(server.dataDir, { recursive: true, force: true }), () => server.close());
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'od-export-'));
    cleanups.push(() => fs.rmSync(scratch, { recursive: true, force: true }));
    const res = await fetch(`${server.url}/api/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password: 'correct horse' }) });
    const token = ((await res.json()) as { accessToken: string }).accessToken;
    const bytes = new TextEncoder().encode('notes of ada, 0x5eed');
    const up = await uploadFile(server.url, token, { name: 'notes.txt', size: bytes.byteLength, body: bytes });

    const progress: string[] = [];
    const dest = path.join(scratch, 'mine.tar');
    const summary = await writeExport(server.url, { getAccessToken: async () => token }, dest, (t) => progress.push(t));
    expect(summary).toBe(`exported 0 messages, 0 reactions and 1 files to ${dest}`);
    expect(progress.some((p) => p.includes('1/1 files'))).toBe(true);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
    const entries = untar(fs.readFileSync(dest));
    expect(entries.map((e) => e.name)).toEqual(['export.json', `files/${up.id}-notes.txt`]);
    const data = JSON.parse(entries[0]!.body.toString('utf8'));
    expect(data.user.username).toBe('ada');
    expect(data.files.map((f: { id: string }) => f.id)).toEqual([up.id]);
    expect(entries[1]!.body.toString('utf8')).toBe('notes of ada, 0x5eed');
  });
});
