import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { Attachment, downloadFile, uploadFile } from '@open-discord/protocol';
import { Harness, liveEvent, member, syncFromZero } from './community-support.js';
import { testServer, until } from './helpers.js';

// Uploads and downloads over real sockets, with real files in the server's data folder.

const h = new Harness();
afterEach(() => h.release());

const upload = (url: string, token: string, name: string, bytes: Uint8Array) => uploadFile(url, token, { name, size: bytes.byteLength, body: bytes });

async function fetchFile(url: string, token: string, id: string, thumb = false) {
  const res = await fetch(`${url}/api/files/${id}${thumb ? '/thumb' : ''}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** An HTTP POST whose headers are sent but whose body is held back, to see what the server answers first. */
function postHeadersOnly(url: string, token: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${url}/api/files?name=big.bin`);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers } });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

const png = (w: number, h: number, color: string) =>
  sharp({ create: { width: w, height: h, channels: 3, background: color } }).png().toBuffer();

/** A JPEG 40 x 20 as stored, shown rotated (orientation 6), with GPS coordinates and a copyright in its EXIF. */
async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Copyright: 'owner-secret-marker' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' },
    })
    .toBuffer();
}

const blobsOf = (dataDir: string) => fs.readdirSync(path.join(dataDir, 'files')).filter((f) => f !== 'tmp');

describe('uploads', () => {
  it('refuses a declared size over the cap before reading the body, and a streamed one once it passes the cap', async () => {
    const server = await h.server({ maxUploadBytes: 1024 });
    const a = await member(server.url, 'alice');
    // Headers only: the answer comes although not one byte of the body was sent.
    const early = await postHeadersOnly(server.url, a.token, { 'content-length': '1025' });
    expect(early.status).toBe(413);
    expect(JSON.parse(early.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    // Exactly the cap is fine.
    const ok = await upload(server.url, a.token, 'cap.bin', new Uint8Array(1024).fill(7));
    expect(ok.size).toBe(1024);
    // Without a Content-Length (chunked), the cap is enforced while the body streams.
    const chunked = await new Promise<number>((resolve, reject) => {
      const u = new URL(server.url);
      const req = http.request({ host: u.hostname, port: u.port, path: '/api/files?name=chunked.bin', method: 'POST', headers: { authorization: `Bearer ${a.token}` } });
      req.on('response', (res) => resolve(res.statusCode!));
      req.on('error', reject);
      req.write(new Uint8Array(800));
      req.end(new Uint8Array(800));
    });
    expect(chunked).toBe(413);
    expect(fs.readdirSync(path.join(server.dataDir, 'files', 'tmp'))).toEqual([]);
    // Without a token nothing is read either.
    const anon = await fetch(`${server.url}/api/files?name=x`, { method: 'POST', body: 'hello' });
    expect(anon.status).toBe(401);
  });

  it('lets one account stream two uploads at a time, and refuses a third before reading it', async () => {
    const server = await h.server();
    const a = await member(server.url, 'alice');
    const held: http.ClientRequest[] = [];
    const open = () => {
      const u = new URL(server.url);
      const req = http.request({ host: u.hostname, port: u.port, path: '/api/files?name=slow.bin', method: 'POST', headers: { authorization: `Bearer ${a.token}`, 'content-length': '100' } });
      req.on('error', () => {});
      req.flushHeaders();
      req.write(new Uint8Array(10));
      held.push(req);
    };
    open();
    open();
    const { files } = server.app.services;
    await until(() => files.uploadsInFlight(a.id) === 2, 'two uploads streaming');
    const third = await postHeadersOnly(server.url, a.token, { 'content-length': '100' });
    expect([third.status, JSON.parse(third.body).error.code]).toEqual([429, 'RATE_LIMITED']);
    // Dropped mid-body: the slots and the temp files are given back.
    for (const r of held) r.destroy();
    await until(() => files.uploadsInFlight(a.id) === 0, 'uploads ended');
    await until(() => fs.readdirSync(path.join(server.dataDir, 'files', 'tmp')).length === 0, 'temp files removed');
    expect((await upload(server.url, a.token, 'after.txt', new TextEncoder().encode('fine'))).size).toBe(4);
  });

  it('sniffs the real type from the bytes, whatever the name and declared type say', async () => {
    const server = await h.server();
    const a = await member(server.url, 'alice');
    const text = await uploadFile(server.url, a.token, { name: 'evil.png', size: 5, body: new TextEncoder().encode('hello') });
    expect(text.mime).toBe('text/plain; charset=utf-8');
    expect(text.width).toBeUndefined();
    expect(text.thumb).toBeUndefined();
    const image = await upload(server.url, a.token, 'notes.txt', await png(8, 4, '#00ff00'));
    expect(image.mime).toBe('image/png');
    expect([image.width, image.height]).toEqual([8, 4]);
    const html = await upload(server.url, a.token, 'page.html', new TextEncoder().encode('\x00<html><script>alert(1)</script>'));
    expect(html.mime).toBe('application/octet-stream');
    // A "PNG" whose bytes do not decode is refused, not stored as an image.
    const broken = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);
    await expect(upload(server.url, a.token, 'broken.png', broken)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // Served with the sniffed type, as an attachment, never sniffed by a browser.
    const got = await fetchFile(server.url, a.token, html.id);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('keeps path-like and control-character names for display only', async () => {
    const server = await h.server();
    const a = await member(server.url, 'alice');
    const bytes = new TextEncoder().encode('secret');
    const climb = await upload(server.url, a.token, '../../etc/passwd', bytes);
    expect(climb.name).toBe('passwd');
    const win = await upload(server.url, a.token, '..\\..\\boot.ini', bytes);
    expect(win.name).toBe('boot.ini');
    const ctl = await upload(server.url, a.token, 'a\u0007b\u001b[31m\u202ecod.exe\r\n', bytes);
    expect(ctl.name).toBe('ab[31mcod.exe');
    const dots = await upload(server.url, a.token, '...', bytes);
    expect(dots.name).toBe('file');
    // Long names are cut at 120 characters, astral ones included, and still fit the protocol's Attachment.
    const long = await upload(server.url, a.token, '😀'.repeat(300) + '.txt', bytes);
    expect([...long.name]).toHaveLength(120);
    expect(Attachment.safeParse(long).success).toBe(true);
    // On disk: hash-named blobs only; nothing named after what the client sent.
    for (const f of blobsOf(server.dataDir)) expect(f).toMatch(/^[0-9a-f]{64}(\.thumb)?$/);
    expect(fs.existsSync(path.join(server.dataDir, 'etc'))).toBe(false);
    const got = await fetchFile(server.url, a.token, ctl.id);
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="ab[31mcod.exe"; filename*=UTF-8''ab%5B31mcod.exe`);
  });

  it('stores the same content once', async () => {
    const server = await h.server();
    const a = await member(server.url, 'alice');
    const b = await member(server.url, 'bob');
    const bytes = new TextEncoder().encode('the same bytes twice');
    const one = await upload(server.url, a.token, 'one.txt', bytes);
    const two = await upload(server.url, b.token, 'two.txt', bytes);
    expect(one.id).not.toBe(two.id);
    expect(blobsOf(server.dataDir)).toHaveLength(1);
    const img = await png(16, 16, '#123456');
    await upload(server.url, a.token, 'x.png', img);
    await upload(server.url, a.token, 'y.png', img);
    expect(blobsOf(server.dataDir)).toHaveLength(3); // the text, the image and its thumbnail
  });

  it('strips EXIF and GPS from images (orientation applied first), stored and served', async () => {
    const server = await h.server();
    const a = await member(server.url, 'alice');
    const input = await jpegWithGps();
    expect(input.includes('owner-secret-marker')).toBe(true);
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const att = await upload(server.url, a.token, 'holiday.jpg', input);
    expect(att.mime).toBe('image/jpeg');
    // Rotated by its orientation: 40 x 20 stored sideways is shown 20 x 40.
    expect([att.width, att.height]).toEqual([20, 40]);
    expect(att.preview).toMatchObject({ width: 8, height: 16 });
    const served = (await fetchFile(server.url, a.token, att.id)).body;
    const stored = fs.readFileSync(path.join(server.dataDir, 'files', blobsOf(server.dataDir).find((f) => !f.endsWith('.thumb'))!));
    for (const bytes of [served, stored]) {
      expect(bytes.equals(stored)).toBe(true);
      const meta = await sharp(bytes).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      expect([meta.width, meta.height]).toEqual([20, 40]);
      expect(bytes.includes('owner-secret-marker')).toBe(false);
      expect(bytes.includes('Exif')).toBe(false);
    }
    const thumb = await fetchFile(server.url, a.token, att.id, true);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/png');
    expect((await sharp(thumb.body).metadata()).exif).toBeUndefined();
  });
});

describe('attachments and who may download', () => {
  it('reaches members live, after a resync and after a restart; others get the unknown-file 404', async () => {
    const server = await h.server();
    const [alice, bob, carol] = [await member(server.url, 'alice'), await member(server.url, 'bob'), await member(server.url, 'carol')];
    const { accessAdmin } = server.app.services;
    await accessAdmin.grantRole(null, alice.id, 'admin');
    await accessAdmin.grantRole(null, bob.id, 'admin');
    const a = await h.connect(server.url, alice.token);
    const b = await h.connect(server.url, bob.token);
    const c = await h.connect(server.url, carol.token);
    const { room } = await a.call('room.create', { name: 'secret' });
    await accessAdmin.restrictRoom(null, room.id, ['admin']);
    await b.call('room.join', { roomId: room.id });
    const startOrder = b.ready.head as number;

    const att = await upload(server.url, alice.token, 'cat.png', await png(64, 48, '#ff8800'));
    // Before it is sent, only its uploader may fetch it.
    expect((await fetchFile(server.url, alice.token, att.id)).status).toBe(200);
    const missing = await fetchFile(server.url, bob.token, 'nosuchfile0000000');
    expect(missing.status).toBe(404);
    const early = await fetchFile(server.url, bob.token, att.id);
    expect([early.status, early.body.toString()]).toEqual([404, missing.body.toString()]);
    // Someone else's file cannot be attached; the answer is the same as for an unknown id.
    const stolen = await c.request('message.send', { roomId: room.id, text: '', nonce: 'x', attachments: [att.id] });
    expect(stolen.ok).toBe(false);
    // Empty text needs an attachment.
    expect((await a.request('message.send', { roomId: room.id, text: '', nonce: 'e' })).error.code).toBe('BAD_REQUEST');
    const other = await a.request('message.send', { roomId: room.id, text: 'hi', nonce: 'o', attachments: ['nosuchfile0000000'] });
    expect([other.ok, other.error.code]).toEqual([false, 'BAD_REQUEST']);

    const live = liveEvent(b, (e) => e.type === 'message.created');
    const sent = (await a.call('message.send', { roomId: room.id, text: '', nonce: 'n1', attachments: [att.id] })).message;
    expect(sent.attachments).toEqual([att]);
    expect((await live).data.message.attachments).toEqual([att]);

    // Bob (a member who can see the room) downloads it; carol (cannot see the room) gets the unknown-file answer.
    const forBob = await fetchFile(server.url, bob.token, att.id);
    expect(forBob.status).toBe(200);
    expect((await sharp(forBob.body).metadata()).width).toBe(64);
    const forCarol = await fetchFile(server.url, carol.token, att.id);
    expect([forCarol.status, forCarol.body.toString()]).toEqual([404, missing.body.toString()]);
    expect((await fetchFile(server.url, carol.token, att.id, true)).status).toBe(404);

    // A client resyncing from an older order gets the attachment too.
    const { events } = await syncFromZero(b);
    const created = events.find((e) => e.type === 'message.created' && e.data.message.id === sent.id)!;
    expect(created.data.message.attachments).toEqual([att]);
    expect(created.order).toBeGreaterThan(startOrder);

    // After a restart: history carries it and the download still works (tokens survive: same secret).
    await server.close();
    const again = await testServer({ dataDir: server.dataDir });
    try {
      const b2 = await h.connect(again.url, bob.token);
      const hist = await b2.call('history', { roomId: room.id });
      expect(hist.messages.at(-1).attachments).toEqual([att]);
      const dl = await downloadFile(again.url, bob.token, att.id);
      const chunks: Uint8Array[] = [];
      for await (const ch of dl.body as unknown as AsyncIterable<Uint8Array>) chunks.push(ch);
      expect(Buffer.concat(chunks).equals(forBob.body)).toBe(true);
      expect(dl.mime).toBe('image/png');
      await expect(downloadFile(again.url, carol.token, att.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

      // Deleted: nobody may fetch it any more, its uploader included, and a later sync never carries it.
      // Bob is an admin: he may delete others' messages.
      await b2.call('message.delete', { messageId: sent.id });
      const a2 = await h.connect(again.url, alice.token);
      for (const t of [alice.token, bob.token]) {
        const gone = await fetchFile(again.url, t, att.id);
        expect([gone.status, gone.body.toString()]).toEqual([404, missing.body.toString()]);
      }
      const after = await syncFromZero(a2);
      const blank = after.events.find((e) => e.type === 'message.created' && e.data.message.id === sent.id)!;
      expect(blank.data.message.attachments).toBeUndefined();
    } finally {
      await again.close();
    }
  });

  it('lets a viewer of a public room download, and counts bytes as they go (progress)', async () => {
    const { server, members, clients } = await h.community('alice', 'bob');
    const { room } = await clients[0]!.call('room.create', { name: 'lobby' });
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
    const seen: number[] = [];
    const att: Attachment = await uploadFile(server.url, members[0]!.token, { name: 'data.bin', size: bytes.byteLength, body: bytes }, { onProgress: (d) => seen.push(d) });
    expect(seen.at(-1)).toBe(bytes.byteLength);
    await clients[0]!.call('message.send', { roomId: room.id, text: 'data', nonce: 'd', attachments: [att.id] });
    // Bob never joined the room, but may read it (it is public), so he may fetch what it carries.
    const got = await fetchFile(server.url, members[1]!.token, att.id);
    expect(got.status).toBe(200);
    expect(got.body.equals(Buffer.from(bytes))).toBe(true);
  });
});
