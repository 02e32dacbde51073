import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@open-discord/protocol';
import { memberBan, memberKick, memberUnban, messageDelete, roleGrant, roleList, roleRevoke } from '../src/cli/community.js';
import { ConfigError } from '../src/cli/config.js';
import { SqliteStorage as Store } from '../src/adapters/sqlite/storage.js';
import { expectConvergent, Harness, liveEvent, member, syncFromZero } from './community-support.js';
import { signup, tempDir } from './helpers.js';
import fs from 'node:fs';

/*
 * The operator's commands open their own connection to the server's SQLite file and write through the
 * services as actor null, exactly as `od-server member kick …` does from another process. The running
 * server must notice those events and publish them live, in order, with no gap in anyone's accounting.
 */
const h = new Harness();
afterEach(() => h.release());

/** Each live frame's prev is the previous frame's order: nothing skipped, nothing sent twice. */
function expectChained(frames: Array<Record<string, any>>, start: number): void {
  let last = start;
  for (const f of frames.filter((x) => x.type === 'event')) {
    expect(f.prev).toBe(last);
    last = f.event.order;
  }
}

describe('operator commands against a running server', () => {
  it('role grant/revoke, message delete, kick and ban from the command line reach connected clients live', async () => {
    const server = await h.server();
    const alice = await member(server.url, 'alice');
    const bob = await member(server.url, 'bob');
    const carol = await member(server.url, 'carol');
    const a = await h.connect(server.url, alice.token);
    const b = await h.connect(server.url, bob.token);
    const c = await h.connect(server.url, carol.token);
    const { room } = await a.call('room.create', { name: 'lobby' });
    await b.call('room.join', { roomId: room.id });
    await c.call('room.join', { roomId: room.id });
    const { message } = await b.call('message.send', { roomId: room.id, text: 'delete me', nonce: 'd' });

    await roleGrant(server.dataDir, '@Alice', 'admin');
    await liveEvent(b, (e) => e.type === 'user.updated' && e.data.user.id === alice.id && e.data.user.roles.includes('admin'));
    expect((await roleList(server.dataDir)).split('\n')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^admin\s+admin \(built-in\)\s+999999\s+1\s+create_rooms,/)]),
    );
    // A write by the server itself right after still lands after the command line's events, in order.
    await a.call('message.send', { roomId: room.id, text: 'after grant', nonce: 'g' });

    await messageDelete(server.dataDir, message.id);
    const deleted = await liveEvent(c, (e) => e.type === 'message.deleted' && e.data.messageId === message.id);
    expect(deleted.actorId).toBeNull();
    await roleRevoke(server.dataDir, 'alice', 'admin');
    await liveEvent(c, (e) => e.type === 'user.updated' && e.data.user.id === alice.id && e.data.user.roles.length === 0);

    await memberKick(server.dataDir, 'carol');
    expect(await c.waitClose()).toBe(CloseCode.REMOVED);
    await liveEvent(a, (e) => e.type === 'user.removed' && e.data.userId === carol.id);
    await memberBan(server.dataDir, 'bob');
    expect(await b.waitClose()).toBe(CloseCode.FORBIDDEN);
    await liveEvent(a, (e) => e.type === 'user.removed' && e.data.userId === bob.id && e.data.reason === 'banned');

    expectChained(a.frames, a.ready.head);
    expectChained(c.frames, c.ready.head);
    const sync = await syncFromZero(await h.connect(server.url, alice.token));
    expect(sync.through).toBe(server.head());
    expect(a.events.at(-1)!.event.order).toBe(server.head());
    await expectConvergent(server.url, alice.token, h);

    await memberUnban(server.dataDir, 'bob');
    expect((await signup(server.url, 'bob')).user.id).toBe(bob.id);
  });

  it('clear errors for unknown nicknames, roles and messages; nothing is written', async () => {
    const server = await h.server();
    await member(server.url, 'alice');
    const head = server.head();
    await expect(memberKick(server.dataDir, 'nobody')).rejects.toThrow(ConfigError);
    await expect(memberKick(server.dataDir, 'nobody')).rejects.toThrow(/no user with the nickname "nobody"/);
    await expect(roleGrant(server.dataDir, 'alice', 'wizard')).rejects.toThrow(/no such role "wizard"/);
    await expect(messageDelete(server.dataDir, 'nope')).rejects.toThrow(/message not found/);
    await expect(memberUnban(server.dataDir, 'alice')).rejects.toThrow(/no banned user/);
    expect(server.head()).toBe(head);
  });

  it('works on a stopped server too: the next start serves the changes', async () => {
    const dir = tempDir();
    try {
      const server = await h.server({ dataDir: dir });
      const alice = await member(server.url, 'alice');
      await member(server.url, 'bob');
      await server.close();
      await memberKick(dir, 'bob');
      await roleGrant(dir, 'alice', 'admin');
      const store = Store.open(dir);
      expect(store.users.list().map((u) => u.nickname)).toEqual(['alice']);
      store.close();
      const again = await h.server({ dataDir: dir });
      const st = await expectConvergent(again.url, (await signup(again.url, 'dave')).accessToken, h);
      expect(st.users.find((u) => u.id === alice.id)!.roles).toEqual(['admin']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
