#!/usr/bin/env node
// Upload speed: a 20 MB file uploaded to od-server over loopback against fs.copyFile of the same file on the
// same disk (the ratio is what the server's streaming, hashing and fsync-free rename cost over a plain
// copy), and the time to turn a 12-megapixel photo into the stored image, its thumbnail and preview.
// Uses the BUILT packages (npm run build first). Usage: node scripts/bench/upload.mjs [--runs N] [--mb N]
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const RUNS = arg('--runs', 5);
const MB = arg('--mb', 20);
const od = await import('../../packages/protocol/dist/index.js');
const sharp = (await import('sharp')).default;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

// One folder for the server's data and the copies, so both write to the same disk.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'od-bench-upload-'));
const child = fork(path.join(here, 'od-server-child.mjs'), [JSON.stringify({ dataDir: path.join(work, 'data'), maxUploadBytes: (MB + 1) * 1024 * 1024 })], {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
// Hard stop: the bench never outlives 10 minutes, whatever happens.
const deadline = setTimeout(() => {
  console.error('upload bench: deadline passed');
  child.kill('SIGKILL');
  process.exit(2);
}, 600_000);
try {
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    child.on('message', (m) => m?.type === 'listening' && resolve(m.url));
  });
  const { accessToken } = await od.signup(url, { username: 'bench', password: 'bench-password' });
  const upload = async (file, name) => {
    const size = fs.statSync(file).size;
    const body = Readable.toWeb(fs.createReadStream(file, { highWaterMark: 256 * 1024 }));
    return od.uploadFile(url, accessToken, { name, size, body });
  };

  const copyTimes = [];
  const uploadTimes = [];
  for (let run = 0; run < RUNS; run++) {
    // New content every run: the same bytes twice would be stored once and measure the shortcut instead.
    const src = path.join(work, `src-${run}.bin`);
    fs.writeFileSync(src, randomBytes(MB * 1024 * 1024));
    let t = performance.now();
    fs.copyFileSync(src, path.join(work, `copy-${run}.bin`));
    copyTimes.push(performance.now() - t);
    t = performance.now();
    await upload(src, `big-${run}.bin`);
    uploadTimes.push(performance.now() - t);
    fs.rmSync(path.join(work, `copy-${run}.bin`));
    fs.rmSync(src);
  }

  // A 4000 x 3000 JPEG of noise (compresses like a busy photo), with EXIF to strip.
  const photo = path.join(work, 'photo.jpg');
  const noise = randomBytes(400 * 300 * 3);
  await sharp(noise, { raw: { width: 400, height: 300, channels: 3 } }).resize(4000, 3000, { kernel: 'cubic' }).jpeg({ quality: 85 }).withExif({ IFD0: { Copyright: 'bench' } }).toFile(photo);
  const imageTimes = [];
  const thumbTimes = [];
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    await upload(photo, `photo-${run}.jpg`);
    imageTimes.push(performance.now() - t);
    // The thumbnail alone, made the way the server makes it.
    t = performance.now();
    await sharp(photo).autoOrient().resize(320, 320, { fit: 'inside', withoutEnlargement: true }).png().toBuffer();
    thumbTimes.push(performance.now() - t);
  }

  const copy = median(copyTimes);
  const up = median(uploadTimes);
  const mbps = (t) => `${((MB * 1024 * 1024) / (t / 1000) / 1e6).toFixed(0)} MB/s`;
  console.log(`upload bench: ${RUNS} runs, medians, ${os.cpus().length} CPUs`);
  console.log(`  ${MB} MiB fs.copyFile        ${ms(copy).padStart(10)}  ${mbps(copy)}`);
  console.log(`  ${MB} MiB upload (loopback)  ${ms(up).padStart(10)}  ${mbps(up)}`);
  console.log(`  upload / copy ratio       ${(up / copy).toFixed(1)}x`);
  console.log(`  12 MP JPEG upload (re-encode, thumbnail, preview)  ${ms(median(imageTimes))}`);
  console.log(`  thumbnail of it alone (decode + resize + PNG)      ${ms(median(thumbTimes))}`);
} finally {
  clearTimeout(deadline);
  child.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
}
