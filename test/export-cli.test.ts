import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AccountExport, signup, uploadFile } from '@open-discord/protocol';
import { describe, expect, it } from 'vitest';
import { putSession } from '../packages/tui/src/config/sessions.js';
import { OD_BIN, testScope } from './tui-support.js';

const { tempDir, server } = testScope();

function od(env: Record<string, string>, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [OD_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

/** The entries of a tar archive (regular files only), read back by hand: name → bytes. */
function untar(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (let at = 0; at + 512 <= buf.length; ) {
    const header = buf.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, ''), 8);
    // The checksum: the header's bytes with its own field read as spaces.
    const stored = parseInt(header.subarray(148, 156).toString('ascii'), 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    expect(sum, `checksum of ${name}`).toBe(stored);
    out.set(name, buf.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe('od export', () => {
  it('writes one tar archive: export.json as the server sent it and each upload byte for byte', async () => {
    const srv = await server(tempDir());
    const pair = await signup(srv.url, { username: 'ada', password: 'correct-horse-1', nickname: 'ada' });
    const notes = Buffer.from('notes for later\n'.repeat(100));
    const odd = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const up1 = await uploadFile(srv.url, pair.accessToken, { name: 'notes.txt', size: notes.length, body: notes });
    const up2 = await uploadFile(srv.url, pair.accessToken, { name: '../odd name.bin', size: odd.length, body: odd });
    const config = path.join(tempDir(), 'od');
    putSession(config, 'local', { url: srv.url, refreshToken: pair.refreshToken });
    const out = path.join(tempDir(), 'mine.tar');

    const r = await od({ OD_CONFIG_DIR: config }, ['export', '--out', out]);
    expect(r.err).toMatch(/\[#{20}\] 2\/2 files/);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`2 files to ${out}`);
    expect(fs.existsSync(`${out}.part`)).toBe(false);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);

    const entries = untar(fs.readFileSync(out));
    const data = AccountExport.parse(JSON.parse(entries.get('export.json')!.toString('utf8')));
    expect(data.user.username).toBe('ada');
    expect(data.files.map((f) => f.id).sort()).toEqual([up1.id, up2.id].sort());
    const files = [...entries.keys()].filter((n) => n.startsWith('files/')).sort();
    expect(files).toHaveLength(2);
    for (const n of files) expect(n).not.toContain('..');
    expect(entries.get(files.find((n) => n.startsWith(`files/${up1.id}-`))!)).toEqual(notes);
    expect(entries.get(files.find((n) => n.startsWith(`files/${up2.id}-`))!)).toEqual(odd);
    // The system's tar agrees, where there is one.
    const listed = spawnSync('tar', ['-tf', out], { encoding: 'utf8' });
    if (listed.status !== null && !listed.error) expect(listed.stdout.trim().split('\n').sort()).toEqual(['export.json', ...files].sort());
  });
});
