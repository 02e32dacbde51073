import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bitmap, cellsFor, cellPxFrom, previewBitmap, resize, type Bitmap } from '../src/images/bitmap.js';
import { KITTY_CHUNK, kittyColor, kittyPlaceholderRow, kittyTransmit, PLACEHOLDER } from '../src/images/kitty.js';
import { itermEncode } from '../src/images/iterm.js';
import { chooseImageMode, detectImageMode, parseImageMode } from '../src/images/mode.js';
import { decodePng, encodePng } from '../src/images/png.js';
import { quantise, sixelEncode } from '../src/images/sixel.js';

/** A 2×2 picture: red, green / blue, white. */
const tiny = (): Bitmap => bitmap(2, 2, Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]))!;

describe('bitmaps', () => {
  it('refuses sizes that do not add up, and reads a preview', () => {
    expect(bitmap(2, 2, new Uint8Array(11))).toBeNull();
    expect(bitmap(0, 2, new Uint8Array(0))).toBeNull();
    expect(previewBitmap({ width: 1, height: 1, rgb: Buffer.from([1, 2, 3]).toString('base64') })).toEqual({ width: 1, height: 1, rgb: Uint8Array.from([1, 2, 3]) });
    expect(previewBitmap({ width: 2, height: 1, rgb: Buffer.from([1, 2, 3]).toString('base64') })).toBeNull();
    expect(previewBitmap({ width: 1, height: 1, rgb: '***' })).toBeNull();
  });

  it('shrinks by averaging and grows by repeating', () => {
    expect([...resize(tiny(), 1, 1).rgb]).toEqual([128, 128, 128]);
    const big = resize(tiny(), 4, 4);
    expect([...big.rgb.subarray(0, 6)]).toEqual([255, 0, 0, 255, 0, 0]);
    expect([...big.rgb.subarray(3 * 15)]).toEqual([255, 255, 255]);
  });

  it('sizes a picture in cells by its shape, within the limits', () => {
    expect(cellsFor(320, 160, 80)).toEqual({ cols: 40, rows: 10 });
    expect(cellsFor(320, 320, 80)).toEqual({ cols: 20, rows: 10 });
    expect(cellsFor(320, 80, 16)).toEqual({ cols: 16, rows: 2 });
    expect(cellPxFrom('9x18')).toEqual({ width: 9, height: 18 });
    expect(cellPxFrom('nonsense')).toEqual({ width: 8, height: 16 });
  });
});

describe('kitty graphics', () => {
  it('transmits compressed RGB in one quiet escape with a virtual placement', () => {
    const b64 = deflateSync(tiny().rgb).toString('base64');
    expect(kittyTransmit(7, tiny(), 3, 2)).toBe(`\x1b_Ga=T,U=1,f=24,o=z,s=2,v=2,i=7,c=3,r=2,q=2,m=0;${b64}\x1b\\`);
  });

  it('splits a large payload into chunks of at most 4096 base64 characters, m=1 on all but the last', () => {
    // Noise, so that even compressed it needs several chunks.
    let seed = 1;
    const b = bitmap(64, 64, Uint8Array.from({ length: 64 * 64 * 3 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24))!;
    const out = kittyTransmit(1, b, 10, 5);
    const escapes = out.split('\x1b\\').filter(Boolean);
    const payloads = escapes.map((e) => e.slice(e.indexOf(';') + 1));
    expect(escapes.length).toBeGreaterThan(2);
    expect(escapes.length).toBe(Math.ceil(payloads.join('').length / KITTY_CHUNK));
    expect(payloads.every((p) => p.length <= KITTY_CHUNK)).toBe(true);
    expect(Buffer.from(inflateSync(Buffer.from(payloads.join(''), 'base64')))).toEqual(Buffer.from(b.rgb));
    expect(escapes[0]).toMatch(/^\x1b_Ga=T,U=1,f=24,o=z,s=64,v=64,i=1,c=10,r=5,q=2,m=1;/);
    expect(escapes.slice(1, -1).every((e) => e.startsWith('\x1b_Gm=1;'))).toBe(true);
    expect(escapes.at(-1)!.startsWith('\x1b_Gm=0;')).toBe(true);
  });

  it('draws placeholder cells with row and column marks, the id as their colour', () => {
    expect(kittyPlaceholderRow(1, 2)).toBe(`${PLACEHOLDER}\u030d\u0305${PLACEHOLDER}\u030d\u030d`);
    expect(kittyColor(0x0a0b0c)).toBe('#0a0b0c');
  });
});

describe('sixel', () => {
  it('keeps the exact colours of a picture with few', () => {
    const q = quantise(tiny());
    expect(q.palette).toEqual([
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [255, 255, 255],
    ]);
    expect([...q.index]).toEqual([0, 1, 2, 3]);
  });

  it('falls back to a 216-colour cube past 256 colours', () => {
    const b = bitmap(300, 1, Uint8Array.from({ length: 900 }, (_, i) => (i % 3 === 0 ? Math.floor(i / 3) % 256 : i % 3 === 1 ? Math.floor(i / 3 / 256) * 200 : 7)))!;
    const q = quantise(b);
    expect(q.palette.length).toBe(216);
    // Pixel 0 is (0, 0, 7): the cube's black. Pixel 299 is (43, 200, 7): level (1, 4, 0).
    expect(q.index[0]).toBe(0);
    expect(q.index[299]).toBe(1 * 36 + 4 * 6 + 0);
  });

  it('encodes the exact escape: raster size, palette in percent, one band with a line per colour', () => {
    expect(sixelEncode(tiny())).toBe(
      '\x1bP0;1q"1;1;2;2' +
        '#0;2;100;0;0#1;2;0;100;0#2;2;0;0;100#3;2;100;100;100' +
        // Row 0 is bit 1 (`@` = 63+1), row 1 is bit 2 (`A` = 63+2); a colour's line stops after its last pixel.
        '#0@$#1?@$#2A$#3?A' +
        '\x1b\\',
    );
  });

  it('run-length encodes repeats and starts a band every six rows', () => {
    const b = bitmap(10, 7, new Uint8Array(10 * 7 * 3))!;
    expect(sixelEncode(b)).toBe('\x1bP0;1q"1;1;10;7#0;2;0;0;0#0!10~-#0!10@\x1b\\');
  });
});

describe('iTerm2 inline images', () => {
  it('is OSC 1337 with a PNG od encoded, sized in cells', () => {
    const out = itermEncode(tiny(), 4, 2);
    const m = /^\x1b\]1337;File=inline=1;size=(\d+);width=4;height=2;preserveAspectRatio=0:([A-Za-z0-9+/=]+)\x07$/.exec(out);
    expect(m).not.toBeNull();
    const png = Buffer.from(m![2]!, 'base64');
    expect(png.length).toBe(Number(m![1]));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(decodePng(png)).toEqual(tiny());
  });
});

describe('PNG', () => {
  it('round-trips pixels and flattens transparency onto black', () => {
    expect(decodePng(encodePng(tiny()))).toEqual(tiny());
    expect(() => decodePng(Buffer.from('not a png'))).toThrow();
    // The PNG writer really compressed something (the IDAT inflates to rows of filter byte + RGBA).
    const png = encodePng(tiny());
    const idat = png.indexOf('IDAT');
    const len = png.readUInt32BE(idat - 4);
    expect(inflateSync(png.subarray(idat + 4, idat + 4 + len)).length).toBe(2 * (1 + 2 * 4));
  });
});

describe('choosing the mode', () => {
  it('detects terminals from their environment', () => {
    expect(detectImageMode({ KITTY_WINDOW_ID: '1', TERM: 'xterm-kitty' })).toBe('kitty');
    expect(detectImageMode({ TERM: 'xterm-ghostty' })).toBe('kitty');
    expect(detectImageMode({ TERM_PROGRAM: 'iTerm.app' })).toBe('iterm');
    expect(detectImageMode({ TERM_PROGRAM: 'WezTerm' })).toBe('iterm');
    expect(detectImageMode({ TERM: 'foot' })).toBe('sixel');
    expect(detectImageMode({ TERM: 'xterm-256color', COLORTERM: 'truecolor' })).toBe('blocks');
    expect(detectImageMode({ TERM: 'xterm-256color' })).toBe('off');
    // Inside tmux the graphics would not reach the terminal.
    expect(detectImageMode({ KITTY_WINDOW_ID: '1', TMUX: '/tmp/x', COLORTERM: 'truecolor' })).toBe('blocks');
  });

  it('takes the flag over OD_IMAGES over the config over detection', () => {
    expect(chooseImageMode('sixel', 'iterm', { OD_IMAGES: 'kitty' })).toBe('sixel');
    expect(chooseImageMode(undefined, 'iterm', { OD_IMAGES: 'kitty' })).toBe('kitty');
    expect(chooseImageMode(undefined, 'iterm', { KITTY_WINDOW_ID: '1' })).toBe('iterm');
    expect(chooseImageMode(undefined, undefined, { OD_PREVIEWS: '0', KITTY_WINDOW_ID: '1' })).toBe('off');
    expect(parseImageMode('iTerm2')).toBe('iterm');
    expect(parseImageMode('png')).toBeNull();
  });
});
