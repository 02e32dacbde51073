import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, signup, type OdClient } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';

/*
 * The digest bot as a user runs it: a separate node process importing the BUILT protocol package, against a
 * real server, writing a day's digest of the boards it can see as a post on its board.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'packages/protocol/dist/index.js');
const srcDir = path.join(root, 'packages/protocol/src');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < newestMtime(srcDir)) {
    execFileSync('npm', ['run', 'build', '-w', '@open-discord/protocol'], { cwd: root, stdio: 'ignore', timeout: 60_000 });
  }
}, 90_000);

let dir: string;
let server: RunningServer;
let alice: OdClient | null = null;

afterEach(async () => {
  alice?.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Run the bot once to its end. */
function runOnce(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'examples/digest-bot.mjs'), ...args, '--once'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, err }));
  });
}

describe('the digest bot', () => {
  it('posts a digest of the day on its board: active posts, most commented first, with their tags', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
    server = await startServer({ dataDir: dir, port: 0, registration: 'open', bcryptCost: 4, log: () => {} });
    await signup(server.url, { username: 'alice', password: 'correct horse battery' });
    await signup(server.url, { username: 'digest', password: 'correct horse battery' });
    alice = await connect(server.url, { username: 'alice', password: 'correct horse battery' });
    const { room: ideas } = await alice.request('room.create', { name: 'ideas', kind: 'forum' });
    const { room: news } = await alice.request('room.create', { name: 'news', kind: 'forum' });
    await alice.request('post.create', { roomId: ideas.id, title: 'Quiet one', text: '', nonce: 'a' });
    const { post } = await alice.request('post.create', { roomId: ideas.id, title: 'Busy one', text: '#rust', nonce: 'b' });
    await alice.request('message.send', { roomId: ideas.id, threadId: post.id, text: 'yes', nonce: 'c' });

    const bot = await runOnce(['--url', server.url, '--username', 'digest', '--password', 'correct horse battery', '--board', 'news']);
    expect(bot.err).toContain('posted Daily digest');
    expect(bot.code).toBe(0);
    const { posts } = await alice.request('post.list', { roomId: news.id });
    expect(posts).toHaveLength(1);
    expect(posts[0]!.title).toMatch(/^Daily digest \d{4}-\d\d-\d\d #digest$/);
    expect(posts[0]!.tags).toEqual(['digest']);
    const { root } = await alice.request('thread.history', { roomId: news.id, threadId: posts[0]!.id });
    expect(root!.text).toBe('ideas:\n- Busy one (1 comments) [rust]\n- Quiet one (0 comments)');
  });
});
