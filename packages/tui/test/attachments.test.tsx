import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Attachment, uploadFile } from '@open-discord/protocol';
import { testServer } from '../../server/test/helpers.js';
import type { Key } from 'ink';
import { attachClient } from '../src/controllers/index.js';
import { handleIntent } from '../src/keys/handle-intent.js';
import { resolveInput } from '../src/keys/keymap.js';
import { downloadDir, expandHome } from '../src/files/paths.js';
import { progressText } from '../src/files/progress.js';
import { type FileTransfer, fileTransfer } from '../src/files/transfer.js';
import { visiblePane } from '../src/state/messages/selectors.js';
import { reducer } from '../src/state/reducer.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { attachmentLabel, halfBlockRows } from '../src/wrap/attachment-lines.js';
import { chooseImageMode } from '../src/images/mode.js';
import { messageLines } from '../src/wrap/message-lines.js';
import { FakeClient } from './fake-client.js';
import { boot, created, msg } from './fixtures.js';

// Attachments in od: the label, the half-block preview of a real server's preview of a generated PNG, and
// /upload and /open against that server (real sockets, real files).

type Server = Awaited<ReturnType<typeof testServer>>;
let server: Server;
let token: string;
let flag: Attachment;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'od-tui-files-'));

/** A 16 x 8 PNG: its top half red, its bottom half blue. */
const flagPng = () =>
  sharp({ create: { width: 16, height: 8, channels: 3, background: '#ff0000' } })
    .composite([{ input: { create: { width: 16, height: 4, channels: 3, background: '#0000ff' } }, top: 4, left: 0 }])
    .png()
    .toBuffer();

beforeAll(async () => {
  server = await testServer();
  const res = await fetch(`${server.url}/api/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'correct horse' }) });
  token = ((await res.json()) as { accessToken: string }).accessToken;
  const png = await flagPng();
  flag = await uploadFile(server.url, token, { name: 'flag.png', size: png.length, body: png });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});
afterEach(() => {
  cleanup();
});

const withAttachment = (order: number, a: Attachment, text = '') => msg(order, { text, attachments: [a] });
const textOf = (s: ReturnType<typeof visiblePane>) => s.lines.map((l) => l.segments.map((x) => x.text).join('')).join('\n');

describe('attachment lines', () => {
  it('label files by kind, name and size, and never print controls from the wire', () => {
    expect(attachmentLabel({ id: 'f', name: 'cat.png', size: 120 * 1024, mime: 'image/png' })).toBe('[image cat.png 120 KB]');
    expect(attachmentLabel({ id: 'f', name: 'report.pdf', size: 3_500_000, mime: 'application/pdf' })).toBe('[file report.pdf 3.3 MB]');
    expect(attachmentLabel({ id: 'f', name: 'a\x1b]52;c;x\x07b.txt', size: 1, mime: 'text/plain' })).toBe('[file a]52;c;xb.txt 1 B]');
  });

  it('draw previews only where 24-bit colour is known to work', () => {
    const wanted = (env: Record<string, string>) => chooseImageMode(undefined, undefined, env) === 'blocks';
    expect(wanted({ COLORTERM: 'truecolor' })).toBe(true);
    expect(wanted({ COLORTERM: '24bit' })).toBe(true);
    expect(wanted({})).toBe(false);
    expect(wanted({ COLORTERM: 'truecolor', OD_PREVIEWS: '0' })).toBe(false);
    expect(wanted({ OD_PREVIEWS: '1' })).toBe(true);
  });

  it('turn the server preview of a generated PNG into half blocks: upper pixel foreground, lower background', () => {
    // A small image is not enlarged: its preview is its own 16 x 8 pixels.
    expect(flag.preview).toMatchObject({ width: 16, height: 8 });
    const rows = halfBlockRows(flag.preview!, 80);
    expect(rows).toHaveLength(4);
    // Every row is one run of 16 cells of one colour pair: red over red above the middle, blue over blue below.
    expect(rows.map((r) => r.map((s) => [s.text.length, s.color, s.bg]))).toEqual([
      ...Array(2).fill([[16, '#ff0000', '#ff0000']]),
      ...Array(2).fill([[16, '#0000ff', '#0000ff']]),
    ]);
    // A narrow pane scales it down, keeping its shape.
    const narrow = halfBlockRows(flag.preview!, 8);
    expect(narrow.map((r) => r.reduce((n, s) => n + s.text.length, 0))).toEqual([8, 8]);
    expect(halfBlockRows(flag.preview!, 4)).toHaveLength(1);
    expect(narrow[0]![0]).toMatchObject({ color: '#ff0000', bg: '#ff0000' });
    expect(narrow[1]![0]).toMatchObject({ color: '#0000ff', bg: '#0000ff' });
    // Pixels that do not add up draw nothing.
    expect(halfBlockRows({ width: 4, height: 4, rgb: 'AAAA' }, 80)).toEqual([]);
  });

  it('shows the attachment line and the half-block preview on the chat screen', () => {
    let s = reducer(boot(), { type: 'images/mode', mode: 'blocks' });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(1, { text: 'look at this' })], end: true });
    s = reducer(s, { type: 'event', event: created(withAttachment(2, flag)) });
    const frame = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    const rows = frame.split('\n');
    const label = rows.findIndex((r) => /\d\d:\d\d alice \[image flag\.png \d+ B\]/.test(r));
    expect(label).toBeGreaterThan(-1);
    const blocks = rows.slice(label + 1, label + 5);
    for (const r of blocks) expect(r).toContain('▀'.repeat(16));
    expect(rows[label + 5] ?? '').not.toContain('▀');
  });

  it('shows the label alone without truecolor, and under the caption when there is one', () => {
    const lines = messageLines({ ...withAttachment(3, flag, 'caption here'), status: 'confirmed' }, 80, { nick: 'alice', color: 'white' }, false);
    const text = lines.map((l) => l.segments.map((x) => x.text).join(''));
    expect(text[0]).toMatch(/alice caption here$/);
    expect(text[1]).toMatch(/^\s+\[image flag\.png \d+ B\]$/);
    expect(text).toHaveLength(2);
  });
});

describe('/upload and /open', () => {
  const opened: string[] = [];
  /** The real transfer, but the desktop opener recorded instead of started. */
  const transfer = (): FileTransfer => ({ ...fileTransfer(server.url, { getAccessToken: async () => token }), open: (p) => void opened.push(p) });

  it('uploads a file with progress, then sends it to the room on screen with the caption', async () => {
    const file = path.join(scratch, 'notes for you.txt');
    fs.writeFileSync(file, 'x'.repeat(600_000));
    const client = new FakeClient();
    const store = createStore(boot());
    const seen: string[] = [];
    store.subscribe((s) => s.flash && seen.push(s.flash.text));
    const actions = attachClient(client, store, { onQuit: () => {}, nonce: () => 'n1', files: transfer() });
    actions.submit(`/upload "${file}" see the attached`);
    await waitFor(() => client.of('message.send').length === 1);
    const [req] = client.of('message.send');
    expect(req!.params).toMatchObject({ roomId: 'r-gen', text: 'see the attached', nonce: 'n1', attachments: [expect.any(String)] });
    expect(seen.some((t) => t.startsWith('uploading notes for you.txt ▕'))).toBe(true);
    expect(seen.some((t) => t.includes('100%'))).toBe(true);
    req!.resolve({ message: msg(20) });
    await waitFor(() => store.getState().flash?.text === 'sent notes for you.txt');
  });

  it('/avatar PATH uploads the picture and sets it as the profile avatar; /avatar none removes it', async () => {
    const file = path.join(scratch, 'me.png');
    fs.writeFileSync(file, await flagPng());
    const client = new FakeClient();
    const store = createStore(boot());
    const actions = attachClient(client, store, { onQuit: () => {}, nonce: () => 'n1', files: transfer() });
    actions.submit(`/avatar ${file}`);
    await waitFor(() => client.of('profile.set').length === 1);
    const [set] = client.of('profile.set');
    expect(set!.params).toEqual({ avatarFileId: expect.any(String) });
    // The id is a real upload on the server: its owner can fetch it.
    const got = await fetch(`${server.url}/api/files/${(set!.params as { avatarFileId: string }).avatarFileId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(got.headers.get('content-type')).toBe('image/png');
    await got.arrayBuffer();
    set!.resolve({ profile: {} });
    await waitFor(() => store.getState().flash?.text === 'avatar set to me.png (/whois yourself to see it)');
    actions.submit('/avatar none');
    expect(client.of('profile.set').at(-1)!.params).toEqual({ avatarFileId: null });
    // A refused upload (not a file) says why and sets nothing.
    actions.submit(`/avatar ${path.join(scratch, 'no-such.png')}`);
    await waitFor(() => store.getState().flash?.text.startsWith('/avatar no-such.png:') === true);
    expect(client.of('profile.set')).toHaveLength(2);
  });

  it('offers to upload a dropped file path instead of sending it as text', () => {
    const file = path.join(scratch, 'dropped file.png');
    fs.writeFileSync(file, 'png?');
    const client = new FakeClient();
    const store = createStore(boot());
    const actions = attachClient(client, store, { onQuit: () => {}, nonce: () => 'n1', files: transfer() });
    actions.submit(`'${file}'`);
    expect(client.of('message.send')).toHaveLength(0);
    expect(store.getState().input.text).toBe(`/upload "${file}" `);
    // Spaces escaped the way terminals drop them work too.
    actions.submit(file.replace(/ /g, '\\ '));
    expect(store.getState().input.text).toBe(`/upload "${file}" `);
    // A command whose words happen to resolve to a file (`/x/..` is `/`) is still a command.
    actions.submit(`/upload ${file.replace('/', '/../')}`);
    expect(client.of('message.send')).toHaveLength(0);
    expect(store.getState().input.text).toBe('');
    // A path that names no file is just a message.
    actions.submit('/tmp/no/such/file/here.txt is a path I mean');
    actions.submit('~/no/such/file/here');
    expect(client.of('message.send')).toHaveLength(1);
    expect(store.getState().flash?.text).toMatch(/unknown command|tmp/);
  });

  it('/open saves the newest attachment to the download folder and hands it to the opener', async () => {
    const dl = path.join(scratch, 'downloads');
    process.env.XDG_DOWNLOAD_DIR = dl;
    try {
      const client = new FakeClient();
      let s = boot();
      s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [withAttachment(1, flag)], end: true });
      const store = createStore(s);
      const actions = attachClient(client, store, { onQuit: () => {}, files: transfer() });
      actions.submit('/open');
      await waitFor(() => opened.length === 1 || store.getState().flash?.kind === 'error');
      expect(store.getState().flash?.text).toBe(`saved ${path.join(dl, 'flag.png')}`);
      expect(opened[0]).toBe(path.join(dl, 'flag.png'));
      expect((await sharp(fs.readFileSync(opened[0]!)).metadata()).width).toBe(16);
      // The same again does not overwrite it.
      actions.submit('/open');
      await waitFor(() => opened.length === 2);
      expect(opened[1]).toBe(path.join(dl, 'flag (2).png'));
      actions.submit('/open 2');
      await waitFor(() => store.getState().flash?.kind === 'error');
      expect(store.getState().flash?.text).toBe('/open: only 1 attachment here');
      expect(textOf(visiblePane(store.getState()))).toContain('[image flag.png');
      // Alt+O does what /open does, without touching the input line.
      store.dispatch({ type: 'input/set', text: 'a draft' });
      for (const intent of resolveInput('o', { meta: true } as Key, 'chat')) handleIntent(intent, store, actions, () => {});
      await waitFor(() => opened.length === 3);
      expect(opened[2]).toBe(path.join(dl, 'flag (3).png'));
      expect(store.getState().input.text).toBe('a draft');
    } finally {
      delete process.env.XDG_DOWNLOAD_DIR;
    }
  });

  it('a file nobody may see is refused like a missing one, and --out writes where asked', async () => {
    const t = fileTransfer(server.url, { getAccessToken: async () => token });
    await expect(t.download('nosuchfile0000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const out = path.join(scratch, 'exact.png');
    expect(await t.download(flag.id, out)).toBe(out);
    expect(fs.existsSync(out)).toBe(true);
  });
});

describe('paths and progress', () => {
  it('expand ~, find the download folder, and draw a progress bar', () => {
    expect(expandHome('~/x/y', '/home/a')).toBe('/home/a/x/y');
    expect(expandHome('/abs', '/home/a')).toBe('/abs');
    expect(downloadDir({ XDG_DOWNLOAD_DIR: '$HOME/Dl' }, '/home/a')).toBe('/home/a/Dl');
    expect(downloadDir({ XDG_CONFIG_HOME: scratch }, '/home/a')).toBe('/home/a/Downloads');
    fs.writeFileSync(path.join(scratch, 'user-dirs.dirs'), 'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n');
    expect(downloadDir({ XDG_CONFIG_HOME: scratch }, '/home/a')).toBe('/home/a/Téléchargements');
    expect(progressText('uploading', 'a.bin', 5, 10)).toBe('uploading a.bin ▕██████████░░░░░░░░░░▏ 50% 5 B/10 B');
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

