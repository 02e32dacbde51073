#!/usr/bin/env node
// What tokenising new messages for search costs the server per message, by batch size and prefix indexes:
// messages are sent through the services (a real SQLite file, group commits of 20 as under load), then the
// pending ones are indexed `--batch` at a time, each batch its own transaction, as the indexer does. CPU
// time (process.cpuUsage), not wall time, so a busy machine changes the figures little. Prints µs per message
// for sending and for indexing, for the word index with prefix indexes '2 3' (before migration 15) and
// '2 3 4' (after), and batches of 500 (the old 100 ms timer) and 2 000 (the indexer's backlog batch).
//
//   node scripts/bench/search-indexing.mjs [--messages N (20000)]
//
// Needs no build step: the server's TypeScript is bundled on the fly with esbuild (a dev dependency).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleServer } from './lib/server-source.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const i = process.argv.indexOf('--messages');
const MESSAGES = i >= 0 ? Number(process.argv[i + 1]) : 20_000;

const loadServer = () => bundleServer('indexing', ['createServices']);

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

// Chat-like text: words of a small vocabulary, a fifth of the messages in Chinese/Japanese.
const WORDS = Array.from({ length: 5000 }, (_, k) => `w${k.toString(36)}${['ka', 'to', 'ri', 'me', 'lo'][k % 5]}`);
const HAN = Array.from({ length: 500 }, (_, k) => String.fromCodePoint(0x4e00 + k * 7));
function text(n) {
  if (n % 5 === 0) return Array.from({ length: 12 }, (_, k) => HAN[(n * 31 + k * 17) % HAN.length]).join('');
  return Array.from({ length: 10 }, (_, k) => WORDS[(n * 7919 + k * 131) % WORDS.length]).join(' ');
}

async function run({ SqliteStorage, createServices }, prefix, batch) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-indexing-bench-'));
  const store = SqliteStorage.open(dir);
  try {
    if (prefix !== '2 3 4') {
      store.db.exec(`DROP TABLE messages_fts_word;
        CREATE VIRTUAL TABLE messages_fts_word USING fts5(text, content='', contentless_delete=1,
          tokenize='unicode61 remove_diacritics 2', prefix='${prefix}');`);
    }
    let ids = 0;
    const s = await createServices({
      storage: store,
      now: () => 1_700_000_000_000,
      newId: () => `id${++ids}`,
      log: () => {},
      snapshotThreshold: 10_000,
      auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
    });
    const { user } = await s.auth.signup({ username: 'alice', password: 'correct horse', nickname: 'alice' }, '127.0.0.1');
    const { room } = await s.rooms.create(user.id, { name: 'lobby' });
    let sent = 0;
    const t0 = cpuUs();
    while (sent < MESSAGES) {
      const wave = [];
      for (let k = 0; k < 20 && sent < MESSAGES; k++, sent++) wave.push(s.messages.send(user.id, { roomId: room.id, text: text(sent), nonce: `n${sent}` }));
      await Promise.all(wave);
    }
    const t1 = cpuUs();
    let done = 0;
    while (done < MESSAGES) done += store.db.transaction(() => store.search.indexPending(batch)).immediate();
    const t2 = cpuUs();
    return { send: (t1 - t0) / MESSAGES, index: (t2 - t1) / MESSAGES };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const server = await loadServer();
process.stdout.write(`search indexing: ${MESSAGES} messages sent through the services, then indexed (CPU µs per message)\n`);
process.stdout.write('prefix indexes  batch  send   index\n');
for (const [prefix, batch] of [['2 3', 500], ['2 3', 2000], ['2 3 4', 500], ['2 3 4', 2000]]) {
  const r = await run(server, prefix, batch);
  process.stdout.write(`${prefix.padEnd(15)}  ${String(batch).padEnd(5)}  ${r.send.toFixed(1).padEnd(5)}  ${r.index.toFixed(1)}\n`);
}
