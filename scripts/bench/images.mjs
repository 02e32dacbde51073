#!/usr/bin/env node
// Pictures in od: what a thumbnail costs to decode and to encode for each terminal protocol, and how many
// bytes a frame writes for it. The thumbnail is the server's own (sharp, 320 px, PNG) of a generated photo-like
// picture; od's encoders are bundled from source with esbuild for this run. Prints medians.
// Usage: node scripts/bench/images.mjs [--runs N]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const i = process.argv.indexOf('--runs');
const RUNS = i > 0 ? Number(process.argv[i + 1]) : 21;

// One module with what is measured, bundled from the TUI's sources (inside the repository, so its imports of
// pngjs and the protocol package resolve as the TUI's do).
fs.mkdirSync(path.join(root, 'node_modules/.cache'), { recursive: true });
const work = fs.mkdtempSync(path.join(root, 'node_modules/.cache/od-bench-images-'));
const entry = path.join(work, 'entry.ts');
const src = (f) => JSON.stringify(path.join(root, 'packages/tui/src', f));
fs.writeFileSync(
  entry,
  `export { decodePng } from ${src('images/png.ts')};
export { resize, cellsFor, DEFAULT_CELL } from ${src('images/bitmap.ts')};
export { kittyTransmit } from ${src('images/kitty.ts')};
export { sixelEncode } from ${src('images/sixel.ts')};
export { itermEncode } from ${src('images/iterm.ts')};
export { halfBlockRows } from ${src('wrap/attachment-lines.ts')};
`,
);
const out = path.join(work, 'images.mjs');
buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, packages: 'external', logLevel: 'error', absWorkingDir: root });
const m = await import(pathToFileURL(out).href);

// A photo-like picture: smooth gradients with noise (many colours, so sixel needs its fallback palette).
const W = 1200;
const H = 900;
const raw = Buffer.alloc(W * H * 3);
for (let y = 0; y < H; y++)
  for (let x = 0; x < W; x++) {
    const o = 3 * (y * W + x);
    const n = (Math.sin(x * 0.05) + Math.cos(y * 0.07)) * 20;
    raw[o] = Math.max(0, Math.min(255, (x * 255) / W + n));
    raw[o + 1] = Math.max(0, Math.min(255, (y * 255) / H + n));
    raw[o + 2] = Math.max(0, Math.min(255, 128 + n * 2));
  }
// As the server makes it (features/files/images.ts): fit in 320 × 320, PNG; and the 32 × 16 preview.
const thumb = await sharp(raw, { raw: { width: W, height: H, channels: 3 } }).resize(320, 320, { fit: 'inside' }).png().toBuffer();
const small = await sharp(raw, { raw: { width: W, height: H, channels: 3 } }).resize(32, 16, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
const preview = { width: small.info.width, height: small.info.height, rgb: small.data.toString('base64') };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn) {
  fn();
  const xs = [];
  let result;
  for (let r = 0; r < RUNS; r++) {
    const t = process.hrtime.bigint();
    result = fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms: median(xs), result };
}

const bitmap = m.decodePng(thumb);
const { cols, rows } = m.cellsFor(bitmap.width, bitmap.height, 80, m.DEFAULT_CELL);
const cellsPx = (b) => m.resize(b, cols * m.DEFAULT_CELL.width, rows * m.DEFAULT_CELL.height);
const scaled = cellsPx(bitmap);
const rowsOut = [];
const row = (what, t, bytes) => rowsOut.push([what, `${t.toFixed(2)} ms`, bytes === null ? '' : `${(bytes / 1024).toFixed(1)} KB`]);

row(`decode the ${bitmap.width}×${bitmap.height} thumbnail PNG (${(thumb.length / 1024).toFixed(1)} KB)`, time(() => m.decodePng(thumb)).ms, null);
row(`resize to ${cols}×${rows} cells at 8×16 px (${scaled.width}×${scaled.height})`, time(() => cellsPx(bitmap)).ms, null);
const kitty = time(() => m.kittyTransmit(1, scaled, cols, rows));
row('kitty: transmit (RGB deflated, base64 chunks; once per picture)', kitty.ms, kitty.result.length);
const sixel = time(() => m.sixelEncode(scaled));
row('sixel: encode (written again after every frame it is on)', sixel.ms, sixel.result.length);
const iterm = time(() => m.itermEncode(scaled, cols, rows));
row('iTerm2: encode PNG + OSC 1337 (again after every frame)', iterm.ms, iterm.result.length);
const blocks = time(() => m.halfBlockRows(preview, 80));
row(`half blocks from the ${preview.width}×${preview.height} preview (text in the frame)`, blocks.ms, null);

const w = Math.max(...rowsOut.map((r) => r[0].length));
console.log(`pictures: medians of ${RUNS} runs, node ${process.version}, ${os.cpus().length} CPUs`);
for (const [a, b, c] of rowsOut) console.log(`${a.padEnd(w)}  ${b.padStart(9)}  ${c.padStart(9)}`);
fs.rmSync(work, { recursive: true, force: true });
