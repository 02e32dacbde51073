import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, signup, type ClientEvent, type OdClient } from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';
import { TcpProxy } from './client-support/tcp-proxy.js';

/*
 * The example bot as a user runs it: a separate node process importing the BUILT protocol package, against a
 * real server, across a server restart.
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
  // The bot imports the package's dist, like any user of the package; rebuild it when the sources are newer.
  if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < newestMtime(srcDir)) {
    execFileSync('npm', ['run', 'build', '-w', '@open-discord/protocol'], { cwd: root, stdio: 'ignore', timeout: 60_000 });
  }
}, 90_000);

let dir: string;
let server: RunningServer;
let proxy: TcpProxy;
let bot: ChildProcess | null = null;
let alice: OdClient | null = null;
const start = () => startServer({ dataDir: dir, port: 0, registration: 'open', bcryptCost: 4, log: () => {} });

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
  server = await start();
  proxy = await TcpProxy.start(server.port);
});

afterEach(async () => {
  alice?.close();
  if (bot?.pid && bot.exitCode === null) {
    const exited = new Promise((r) => bot!.once('exit', r));
    process.kill(bot.pid, 'SIGTERM');
    await exited;
  }
  await proxy.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Resolves when the bot's stderr has printed a line matching `re`. */
function botSays(child: ChildProcess, re: RegExp, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (re.test(seen)) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    const timer = setTimeout(() => reject(new Error(`bot never printed ${re}; it said:\n${seen}`)), timeoutMs);
    child.stderr!.on('data', onData);
  });
}

describe('examples/echo-bot.mjs', () => {
  it('echoes `!echo` messages, reacts to `!react`, and keeps working after a server restart', async () => {
    await signup(server.url, { username: 'echobot', password: 'bot-password-1' });
    bot = spawn(process.execPath, [path.join(root, 'examples/echo-bot.mjs'), '--url', proxy.url], {
      cwd: root,
      env: { ...process.env, OD_USERNAME: 'echobot', OD_PASSWORD: 'bot-password-1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await botSays(bot, /connected to/);

    await signup(server.url, { username: 'alice', password: 'alice-password-1' });
    const events: ClientEvent[] = [];
    alice = await connect(proxy.url, { username: 'alice', password: 'alice-password-1' }, {
      backoff: { initialMs: 10, maxMs: 100 },
      setup: (c) => c.on('event', (e) => events.push(e)),
    });
    const { room } = await alice.request('room.create', { name: 'bots' });
    // The bot hears a room's messages only while its account is in the room: its operator signs in as the bot
    // and joins #bots (membership belongs to the account, so the running bot process hears it from now on).
    const operator = await connect(server.url, { username: 'echobot', password: 'bot-password-1' });
    try {
      await operator.request('room.join', { roomId: room.id });
    } finally {
      operator.close();
    }
    const texts = () => events.flatMap((e) => (e.type === 'message.created' ? [e.data.message.text] : []));
    const waitForText = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" in ${JSON.stringify(texts())}`)), 20_000);
        const check = () => {
          if (!texts().includes(text)) return;
          clearTimeout(timer);
          alice!.off('event', check);
          resolve();
        };
        alice!.on('event', check);
        check();
      });

    await alice.request('message.send', { roomId: room.id, text: '!echo hello there', nonce: 'a1' });
    await alice.request('message.send', { roomId: room.id, text: 'not for the bot', nonce: 'a2' });
    await waitForText('hello there');

    const restarted = botSays(bot, /offline[\s\S]*live/);
    await server.close();
    server = await start();
    proxy.retarget(server.port);
    await restarted;

    await alice.request('message.send', { roomId: room.id, text: '!echo still here', nonce: 'a3' });
    await waitForText('still here');
    // The bot may answer before or after alice's second message; it answers each command once, nothing else.
    expect([...texts()].sort()).toEqual(['!echo hello there', '!echo still here', 'hello there', 'not for the bot', 'still here']);

    // `!react` gets a 👀 reaction from the bot (sent as `:eyes:`, stored as the emoji), and no text reply.
    const { message: poke } = await alice.request('message.send', { roomId: room.id, text: '!react', nonce: 'a4' });
    await new Promise<void>((resolve, reject) => {
      const reacted = () => events.some((e) => e.type === 'reaction.added' && e.data.messageId === poke.id && e.data.emoji === '👀');
      const timer = setTimeout(() => reject(new Error('the bot did not react to !react')), 20_000);
      const check = () => {
        if (!reacted()) return;
        clearTimeout(timer);
        alice!.off('event', check);
        resolve();
      };
      alice!.on('event', check);
      check();
    });
    expect(texts().filter((t) => t === '!react')).toEqual(['!react']);
    // `!thread` is answered in a thread on the message: a reply pointing at it.
    const { message: asked } = await alice.request('message.send', { roomId: room.id, text: '!thread in a thread', nonce: 'a5' });
    await waitForText('in a thread');
    const answer = events.find((e) => e.type === 'message.created' && e.data.message.text === 'in a thread');
    expect(answer?.type === 'message.created' ? answer.data.message.threadId : null).toBe(asked.id);
  });
});
