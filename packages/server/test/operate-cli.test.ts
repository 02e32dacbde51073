import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { doctor, stats } from '../src/cli/operate.js';
import { readStatusFile, statusFile } from '../src/ops/status-file.js';
import { RawClient, signup, tempDir, testServer } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('od-server stats', () => {
  it('counts users, rooms, messages and events, and shows a running server with its connections', async () => {
    const server = await testServer({ statusIntervalMs: 20 });
    dirs.push(server.dataDir);
    try {
      const alice = await signup(server.url, 'alice');
      await signup(server.url, 'bob');
      const a = await RawClient.connect(server.url, alice.accessToken);
      const { room } = await a.call('room.create', { name: 'stats-room' });
      for (let i = 0; i < 3; i++) await a.call('message.send', { roomId: room.id, text: `m${i}`, nonce: `n${i}` });
      const { message } = await a.call('message.send', { roomId: room.id, text: 'gone', nonce: 'n-del' });
      await a.call('message.delete', { messageId: message.id });
      // A board with one post and one comment: counted as a forum room, its post and both messages.
      const { room: board } = await a.call('room.create', { name: 'stats-board', kind: 'forum' });
      const { post } = await a.call('post.create', { roomId: board.id, title: 'hello', text: 'first #news', nonce: 'p1' });
      await a.call('message.send', { roomId: board.id, text: 'a comment', nonce: 'c1', threadId: post.id });
      await a.call('state');

      // The file is rewritten on its interval: wait for the one that has seen the connection.
      let status = readStatusFile(server.dataDir, Date.now());
      while (status.state !== 'running' || status.status.connections !== 1 || status.status.head !== server.head()) {
        await new Promise((r) => setTimeout(r, 10));
        status = readStatusFile(server.dataDir, Date.now());
      }
      const out = stats(server.dataDir);
      expect(out).toMatch(/^server\s+running at http:\/\/127\.0\.0\.1:\d+ \(pid \d+, up \d+ s\), 1 connections, 1 users online$/m);
      expect(out).toMatch(/^users\s+2 active, 0 kicked, 0 banned$/m);
      expect(out).toMatch(/^rooms\s+1 text, 1 forum, 0 direct, 0 group \(0 deleted\)$/m);
      expect(out).toMatch(/^messages\s+5 \(1 deleted\)$/m);
      expect(out).toMatch(/^posts\s+1 on boards$/m);
      expect(out).toMatch(new RegExp(`^events\\s+${server.head()} \\(head order\\)$`, 'm'));
      expect(out).toMatch(new RegExp(`^commit rate\\s+${server.head()} events in the last minute`, 'm'));
      // Counts only: no names or texts of the community in the status file.
      const raw = fs.readFileSync(statusFile(server.dataDir), 'utf8');
      expect(raw).not.toMatch(/alice|bob|stats-room|stats-board|m0/);
      a.close();
    } finally {
      await server.close();
    }
    // A clean stop removes the file: the next `stats` says "not running", not "died".
    expect(fs.existsSync(statusFile(server.dataDir))).toBe(false);
    expect(stats(server.dataDir)).toMatch(/^server\s+not running$/m);
  });

  it('tells a server that died (its status file left behind) from one that is running', async () => {
    const server = await testServer();
    dirs.push(server.dataDir);
    await server.close();
    // A pid that cannot be running: the highest possible (Linux caps pids far below it).
    fs.writeFileSync(
      statusFile(server.dataDir),
      JSON.stringify({ pid: 2 ** 22 + 12345, version: 'x', url: 'http://127.0.0.1:1', startedAt: 0, updatedAt: Date.now(), intervalMs: 5000, connections: 3, onlineUsers: 2, head: 1 }),
    );
    expect(stats(server.dataDir)).toMatch(/^server\s+not running: process \d+ is not running \(the server did not stop cleanly\)$/m);
    expect(doctor(server.dataDir, {}).report).toMatch(/^warn\s+server\s+process \d+ is not running/m);
  });

  it('says where to point it when there is no database', () => {
    const dir = tempDir();
    dirs.push(dir);
    expect(() => stats(dir)).toThrow(/no od-server database in .*--data-dir/);
  });
});

describe('od-server doctor', () => {
  it('passes a healthy data folder and fails loose permissions without fixing them', async () => {
    const server = await testServer();
    dirs.push(server.dataDir);
    await signup(server.url, 'carol');
    await server.close();
    const good = doctor(server.dataDir, { full: true });
    expect(good.ok).toBe(true);
    expect(good.report).toMatch(/^ok\s+integrity\s+integrity_check: ok$/m);
    expect(good.report).toMatch(/^ok\s+event log\s+\d+ events, orders 1\.\.\d+ without a gap$/m);
    expect(good.report).toMatch(/^ok\s+schema\s+version \d+$/m);
    expect(good.report).toMatch(/^ok\s+data folder\s+mode 700$/m);

    fs.chmodSync(server.dataDir, 0o755);
    fs.chmodSync(path.join(server.dataDir, 'secret.key'), 0o644);
    const bad = doctor(server.dataDir, {});
    expect(bad.ok).toBe(false);
    expect(bad.report).toMatch(/^FAIL\s+data folder\s+mode 755: others may read it; run chmod 700/m);
    expect(bad.report).toMatch(/^FAIL\s+secret\.key\s+mode 644/m);
    // Only reported: a health check changes nothing.
    expect(fs.statSync(server.dataDir).mode & 0o777).toBe(0o755);
  });
});

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe.skipIf(!fs.existsSync(cli))('the built binary', () => {
  it('doctor exits 0 when healthy and 1 on a failure; stats prints the counts', async () => {
    const server = await testServer();
    dirs.push(server.dataDir);
    await server.close();
    const run = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, ...args, '--data-dir', server.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += String(d)));
        child.on('exit', (code) => resolve({ code, out }));
      });
    expect((await run('doctor')).code).toBe(0);
    expect((await run('stats')).out).toMatch(/^users\s+0 active/m);
    fs.chmodSync(server.dataDir, 0o750);
    const bad = await run('doctor');
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/FAIL\s+data folder/);
  }, 60_000);
});
