import fs from 'node:fs';
import { cleanup, render } from 'ink-testing-library';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Attachment, uploadFile } from '@open-discord/protocol';
import { testServer } from '../../server/test/helpers.js';
import { attachClient } from '../src/controllers/index.js';
import { fileTransfer } from '../src/files/transfer.js';
import { bitmap, DEFAULT_CELL } from '../src/images/bitmap.js';
import { encodePng } from '../src/images/png.js';
import { kittyColor, kittyImageId, PLACEHOLDER } from '../src/images/kitty.js';
import type { ImageMode } from '../src/images/mode.js';
import { ImagePainter, paintAfterWrites, ThumbCache } from '../src/images/painter.js';
import { imagePlacements } from '../src/state/images/placements.js';
import { reducer } from '../src/state/reducer.js';
import { createStore } from '../src/state/store.js';
import { ChatScreen } from '../src/ui/ChatScreen.js';
import { FakeClient } from './fake-client.js';
import { boot, msg } from './fixtures.js';

// Pictures in a pixel mode, end to end: a real server makes the thumbnail of a generated PNG, od fetches it
// with the access token, decodes it, lays out its rows and the painter writes the terminal's escapes.

type Server = Awaited<ReturnType<typeof testServer>>;
let server: Server;
let token: string;
let photo: Attachment;
let doc: Attachment;

beforeAll(async () => {
  server = await testServer();
  const res = await fetch(`${server.url}/api/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'correct horse' }) });
  token = ((await res.json()) as { accessToken: string }).accessToken;
  // 64 × 32: left half green, right half white.
  const png = await sharp({ create: { width: 64, height: 32, channels: 3, background: '#00ff00' } })
    .composite([{ input: { create: { width: 32, height: 32, channels: 3, background: '#ffffff' } }, top: 0, left: 32 }])
    .png()
    .toBuffer();
  photo = await uploadFile(server.url, token, { name: 'photo.png', size: png.length, body: png });
  const text = Buffer.from('just words');
  doc = await uploadFile(server.url, token, { name: 'notes.txt', size: text.length, body: text });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(server.dataDir, { recursive: true, force: true });
});
afterEach(() => cleanup());

async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** #general at 100×30 with the photo posted in `mode`, its thumbnail fetched by the images controller. */
async function withPhoto(mode: ImageMode) {
  let s = reducer(boot(), { type: 'images/mode', mode });
  s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(1, { text: 'look', attachments: [photo] }), msg(2, { text: 'nice' })], end: true });
  const store = createStore(s);
  const thumbs = new ThumbCache();
  const actions = attachClient(new FakeClient(), store, { onQuit: () => {}, files: fileTransfer(server.url, { getAccessToken: async () => token }), thumbs });
  await waitFor(() => store.getState().images.thumbs[photo.id] !== undefined);
  actions.stop();
  return { store, thumbs };
}

describe('pictures in a pixel mode', () => {
  it('kitty: fetches and decodes the thumbnail, draws placeholder cells, and sends the picture once', async () => {
    expect(photo.thumb).toBe(true);
    const { store, thumbs } = await withPhoto('kitty');
    const s = store.getState();
    expect(s.images.thumbs[photo.id]).toEqual({ width: 64, height: 32 });
    expect(thumbs.get(photo.id)).toMatchObject({ width: 64, height: 32 });
    // Green on the left, white on the right: the pixels are the server's thumbnail, decoded.
    expect([...thumbs.get(photo.id)!.rgb.subarray(0, 3)]).toEqual([0, 255, 0]);
    const placements = imagePlacements(s);
    expect(placements).toHaveLength(1);
    const p = placements[0]!;
    // 64 × 32 pixels on 8 × 16 cells: four times as wide as tall in cells.
    expect(p.cols).toBe(p.rows * 4);
    expect(p.whole).toBe(true);
    const frame = render(<ChatScreen state={s} now={0} />).lastFrame()!;
    const rows = frame.split('\n');
    const first = rows.findIndex((r) => r.includes(PLACEHOLDER));
    expect(first).toBe(p.row);
    expect(rows.filter((r) => r.includes(PLACEHOLDER))).toHaveLength(p.rows);
    // The placeholder cells start where the placement says (the room list, its rule and the indent before).
    expect([...rows[first]!.replace(/\x1b\[[0-9;]*m/g, '')].findIndex((ch) => ch === PLACEHOLDER)).toBe(p.col);
    const id = kittyImageId(photo.id, p.cols, p.rows);
    expect(s.world!.messages['r-gen']![0]!.attachments).toHaveLength(1);
    const painter = new ImagePainter('kitty', DEFAULT_CELL, thumbs);
    const out = painter.frame(placements);
    expect(out).toMatch(new RegExp(`^\\x1b_Ga=T,U=1,f=24,o=z,s=\\d+,v=\\d+,i=${id},c=${p.cols},r=${p.rows},q=2,m=[01];`));
    expect(painter.frame(placements)).toBe('');
    // Selected (drawn inverse), the message keeps its picture as it is: same place, same colour.
    const picked = reducer(s, { type: 'select/enter', start: 'last' });
    const pickedMove = reducer(picked, { type: 'select/move', delta: -1 });
    expect(imagePlacements(pickedMove)).toEqual(placements);
    expect(painter.finish()).toBe(`\x1b_Ga=d,d=I,i=${id},q=2\x1b\\`);
    expect(kittyColor(id)).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('sixel and iTerm2: drawn at the picture\'s cells after every frame, the cursor put back', async () => {
    for (const mode of ['sixel', 'iterm'] as const) {
      const { store, thumbs } = await withPhoto(mode);
      const [p] = imagePlacements(store.getState());
      expect(p).toBeDefined();
      const painter = new ImagePainter(mode, DEFAULT_CELL, thumbs);
      const out = painter.frame([p!]);
      const prefix = `\x1b7\x1b[${p!.row + 1};${p!.col + 1}H`;
      expect(out.startsWith(prefix)).toBe(true);
      expect(out.endsWith('\x1b8')).toBe(true);
      if (mode === 'sixel') expect(out).toContain(`\x1bP0;1q"1;1;${p!.cols * 8};${p!.rows * 16}`);
      else expect(out).toContain(`\x1b]1337;File=inline=1;size=`);
      // Every frame again (Ink's rewrite of a row wipes pixels on it), from the kept encoding.
      expect(painter.frame([p!])).toBe(out);
      // Blank rows are reserved under the label, as many as the picture takes.
      const frame = render(<ChatScreen state={store.getState()} now={0} />).lastFrame()!;
      expect(frame).toContain('[image photo.png');
      expect(frame).not.toContain('▀');
    }
  });

  it('no picture is placed while something covers the messages, or when it is cut by the pane', async () => {
    const { store } = await withPhoto('sixel');
    expect(imagePlacements(reducer(store.getState(), { type: 'overlay/help', lines: ['x'] }))).toEqual([]);
    // The member list over the messages of a narrow terminal covers them too; beside them on a wide one it does not.
    const narrow = reducer(reducer(store.getState(), { type: 'resize', cols: 90, rows: 30 }), { type: 'members/open', roomId: 'r-gen' });
    expect(imagePlacements(narrow)).toEqual([]);
    const wide = reducer(store.getState(), { type: 'members/open', roomId: 'r-gen' });
    expect(imagePlacements(wide)).toHaveLength(1);
    // A short terminal: the picture's top is scrolled off, so it is not whole (sixel leaves it blank).
    const short = reducer(store.getState(), { type: 'resize', cols: 100, rows: 8 });
    const cut = imagePlacements(short);
    expect(cut).toHaveLength(1);
    expect(cut[0]!.whole).toBe(false);
    expect(cut[0]!.row).toBeLessThan(0);
  });

  it('a thumbnail that cannot be had leaves the half-block preview (or nothing) in place', async () => {
    let s = reducer(boot(), { type: 'images/mode', mode: 'kitty' });
    const missing: Attachment = { ...photo, id: 'nosuchfile0000000' };
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: [msg(1, { attachments: [missing] }), msg(2, { attachments: [doc] })], end: true });
    const store = createStore(s);
    const actions = attachClient(new FakeClient(), store, { onQuit: () => {}, files: fileTransfer(server.url, { getAccessToken: async () => token }), thumbs: new ThumbCache() });
    await waitFor(() => store.getState().images.thumbs[missing.id] === 'failed');
    actions.stop();
    // A file that is no image has no thumbnail to ask for.
    expect(store.getState().images.thumbs[doc.id]).toBeUndefined();
    const frame = render(<ChatScreen state={store.getState()} now={0} />).lastFrame()!;
    expect(frame).toContain('▀');
    expect(frame).not.toContain(PLACEHOLDER);
    expect(imagePlacements(store.getState())).toEqual([]);
  });
});

describe('painting after Ink', () => {
  it('writes once after a burst of writes, and the undo restores the stream', async () => {
    const written: string[] = [];
    const stream = { write: (s: string) => (written.push(s), true) } as unknown as NodeJS.WriteStream;
    let n = 0;
    const undo = paintAfterWrites(stream, () => `<paint ${++n}>`);
    stream.write('frame a');
    stream.write('frame b');
    await Promise.resolve();
    expect(written).toEqual(['frame a', 'frame b', '<paint 1>']);
    undo();
    stream.write('after');
    await Promise.resolve();
    expect(written.at(-1)).toBe('after');
  });
});

describe('which thumbnails are fetched', () => {
  it('the newest 32 pictures of the room, each once; a thumbnail let go of is forgotten and asked for again', async () => {
    const asked: string[] = [];
    const png = encodePng(bitmap(4, 2, new Uint8Array(24).fill(200))!);
    const files = { ...fileTransfer('http://127.0.0.1:1', { getAccessToken: async () => '' }), thumbnail: async (id: string) => (asked.push(id), png) };
    const pics = Array.from({ length: 40 }, (_, i): Attachment => ({ ...photo, id: `pic${i}` }));
    let s = reducer(boot(), { type: 'images/mode', mode: 'iterm' });
    s = reducer(s, { type: 'history/loaded', roomId: 'r-gen', messages: pics.map((a, i) => msg(i + 1, { attachments: [a] })), end: true });
    const store = createStore(s);
    const cache = new ThumbCache();
    const actions = attachClient(new FakeClient(), store, { onQuit: () => {}, files, thumbs: cache });
    await waitFor(() => Object.keys(store.getState().images.thumbs).length === 32);
    expect(new Set(asked)).toEqual(new Set(pics.slice(8).map((a) => a.id)));
    expect(asked).toHaveLength(32);
    // The cache lets the oldest go: the state forgets its size, and the controller fetches it again.
    cache.onEvict('pic39');
    expect(store.getState().images.thumbs['pic39']).toBeUndefined();
    await waitFor(() => store.getState().images.thumbs['pic39'] !== undefined);
    expect(asked.filter((id) => id === 'pic39')).toHaveLength(2);
    actions.stop();
  });

  it('the cache keeps at most its limit, telling which one went', () => {
    const gone: string[] = [];
    const cache = new ThumbCache(2);
    cache.onEvict = (id) => gone.push(id);
    const b = bitmap(1, 1, new Uint8Array(3))!;
    cache.set('a', b);
    cache.set('b', b);
    cache.set('a', b);
    cache.set('c', b);
    expect(gone).toEqual(['b']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(b);
  });
});
