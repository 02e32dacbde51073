import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uploadFile } from '@open-discord/protocol';
import { Harness, expectConvergent, liveEvent, makeOwner, member, refused, syncFromZero } from './community-support.js';
import { post, signup, until, type RawClient } from './helpers.js';
import { TOTP_PERIOD_SEC, totpAt } from '../src/features/account-security/totp.js';

/*
 * Deleting one's own account over real sockets and a real SQLite file: what goes (credentials, sessions,
 * profile, avatar, reactions, markers, follows, blocks, DMs), what happens to messages in shared rooms (erased
 * as tombstones, or kept under "deleted user"), the names held afterwards, and the owner who cannot leave.
 */
const h = new Harness();
afterEach(() => h.release());

let nonce = 0;
const say = async (c: RawClient, roomId: string, text: string) => (await c.call('message.send', { roomId, text, nonce: `n${nonce++}` })).message;

/** Every byte of the database file, its write-ahead log and the files folder. */
function bytesOnDisk(dataDir: string): Buffer {
  const files = ['od.sqlite', 'od.sqlite-wal'].map((f) => path.join(dataDir, f)).filter((f) => fs.existsSync(f));
  const folder = path.join(dataDir, 'files');
  if (fs.existsSync(folder)) {
    for (const f of fs.readdirSync(folder, { recursive: true }) as string[]) {
      const p = path.join(folder, f);
      if (fs.statSync(p).isFile()) files.push(p);
    }
  }
  return Buffer.concat(files.map((f) => fs.readFileSync(f)));
}

async function community(over: Parameters<Harness['server']>[0] = {}) {
  const server = await h.server(over);
  const olga = await member(server.url, 'olga');
  await makeOwner(server, olga.id);
  const ada = await signup(server.url, 'ada', { nickname: 'adalove' });
  const bob = await member(server.url, 'bob');
  const [o, a, b] = [await h.connect(server.url, olga.token), await h.connect(server.url, ada.accessToken), await h.connect(server.url, bob.token)];
  const { room } = await o.call('room.create', { name: 'lobby' });
  for (const x of [a, b]) await x.call('room.join', { roomId: room.id });
  return { server, olga, ada: { id: ada.user.id, token: ada.accessToken }, bob, o, a, b, room };
}

describe('account deletion', () => {
  it('erases everything private, turns the messages into tombstones, and others converge', async () => {
    const logged: string[] = [];
    const { server, ada, bob, o, a, b, room } = await community({ log: (entry) => void logged.push(String((entry as { msg?: unknown }).msg)) });
    const mine = await say(a, room.id, 'qzx-lobby-marker from ada');
    const bobs = await say(b, room.id, 'bob says hi');
    await a.call('reaction.add', { messageId: bobs.id, emoji: '👍' });
    const dm = (await a.call('dm.open', { userId: bob.id })).room;
    await say(a, dm.id, 'qzx-dm-secret-4f1a only for bob');
    await say(b, dm.id, 'qzx-dm-answer-9b2c from bob');
    await a.call('read.mark', { roomId: room.id, order: bobs.order });
    await a.call('user.follow', { userId: bob.id });
    const avatar = new TextEncoder().encode('qzx-avatar-bytes-77d1');
    const up = await uploadFile(server.url, ada.token, { name: 'me.png', size: avatar.byteLength, body: avatar });
    // An upload never sent: only its uploader could fetch it, so it goes with her.
    expect(up.id).toBeTruthy();
    await a.call('profile.set', { bio: 'qzx-bio-marker-5e6f' });

    const group = (await a.call('group.create', { name: 'plans', userIds: [bob.id] })).room;
    const { room: board } = await o.call('room.create', { name: 'ideas', kind: 'forum' });
    await a.call('room.join', { roomId: board.id });
    await a.call('post.create', { roomId: board.id, title: 'qzx-post-title-31ab', text: 'qzx-post-body #qzxtag', nonce: 'p1' });
    const r = await a.call('account.delete', { password: 'correct horse', messages: 'erase' });
    expect(r).toEqual({ ok: true, messages: 'erase' });
    await a.waitClose();

    // Bob, connected, sees the message go, the reaction go, the DM go and the account renamed and removed.
    await liveEvent(b, (e) => e.type === 'message.deleted' && e.data.messageId === mine.id, 'message.deleted');
    await liveEvent(b, (e) => e.type === 'reaction.removed' && e.data.messageId === bobs.id, 'reaction.removed');
    await liveEvent(b, (e) => e.type === 'room.deleted' && e.data.roomId === dm.id, 'dm deleted');
    const renamed = await liveEvent(b, (e) => e.type === 'user.updated' && e.data.user.id === ada.id, 'user.updated');
    expect(renamed.data.user.nickname).toMatch(/^deleted-user-/);
    await liveEvent(b, (e) => e.type === 'user.removed' && e.data.userId === ada.id && e.data.reason === 'deleted', 'user.removed');
    // She left the lobby and her group; the group she owned went on to Bob.
    await liveEvent(b, (e) => e.type === 'room.left' && e.data.roomId === room.id && e.data.userId === ada.id, 'left the lobby');
    await liveEvent(b, (e) => e.type === 'room.left' && e.data.roomId === group.id && e.data.userId === ada.id, 'left the group');
    await liveEvent(b, (e) => e.type === 'room.updated' && e.data.room.id === group.id && e.data.room.owner === bob.id, 'group handed on');

    // Nobody logs in as ada; her refresh token is gone; her username and nickname are held.
    expect((await post(server.url, '/api/login', { username: 'ada', password: 'correct horse' })).status).toBe(401);
    const again = await post(server.url, '/api/signup', { username: 'ada', password: 'correct horse', nickname: 'someone' });
    expect(again.status).toBe(409);
    expect((await post(server.url, '/api/signup', { username: 'ada2', password: 'correct horse', nickname: 'AdaLove' })).status).toBe(409);
    expect((await refused(b, 'nick.set', { nickname: 'adalove' })).code).toBe('CONFLICT');

    // No table holds her private rows.
    const db = server.app.storage.db;
    for (const [table, column] of [
      ['refresh_tokens', 'user_id'], ['sessions', 'user_id'], ['message_reactions', 'user_id'], ['read_markers', 'user_id'],
      ['user_follows', 'follower_id'], ['profiles', 'user_id'], ['room_members', 'user_id'], ['files', 'uploader_id'], ['inbox_items', 'user_id'], ['inbox_settings', 'user_id'],
    ] as const) {
      const n = db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).get(ada.id) as { n: number };
      expect(n.n, table).toBe(0);
    }
    // The log has no hole, and its rows about the erased messages are tombstones.
    const orders = (db.prepare('SELECT event_order AS o FROM events ORDER BY event_order').all() as Array<{ o: number }>).map((x) => x.o);
    expect(orders).toEqual(Array.from({ length: orders.length }, (_, i) => i + 1));
    // Search finds nothing of it, and the bytes are gone from the database, its log and the files folder.
    expect((await b.call('search', { query: 'qzx-lobby-marker' })).hits ?? []).toEqual([]);
    // (The files and the write-ahead log are cleaned just after the reply: wait for that, not for a time.)
    const markers = ['qzx-post-title-31ab', 'qzx-post-body', 'qzxtag', 'qzx-lobby-marker', 'qzx-dm-secret-4f1a', 'qzx-dm-answer-9b2c', 'qzx-avatar-bytes-77d1', 'qzx-bio-marker-5e6f'];
    await until(() => !fs.existsSync(path.join(server.dataDir, 'files')) || fs.readdirSync(path.join(server.dataDir, 'files')).filter((f) => f !== 'tmp').length === 0, 'blob removed');
    await until(() => logged.includes('account deletion cleaned up'), 'the write-ahead log folded back after the deletion');
    const disk = bytesOnDisk(server.dataDir);
    for (const marker of markers) expect(disk.includes(Buffer.from(marker)), marker).toBe(false);
    expect(disk.includes(Buffer.from('bob says hi'))).toBe(true);

    // A client syncing from 0 never receives the text, and its world equals the state.
    const fresh = await h.connect(server.url, bob.token);
    const all = await syncFromZero(fresh);
    expect(JSON.stringify(all.events)).not.toContain('qzx-');
    expect(all.events.some((e) => e.type === 'expired')).toBe(false);
    const state = await expectConvergent(server.url, bob.token, h);
    expect(state.rooms.some((x: { id: string }) => x.id === dm.id)).toBe(false);
    const history = await fresh.call('history', { roomId: room.id });
    expect(JSON.stringify(history)).not.toContain('qzx-lobby-marker');
  });

  it('keeps the messages under "deleted user" when asked, and the server default applies otherwise', async () => {
    const { server, ada, a, b, room } = await community({ accountDeletion: { defaultMessages: 'keep' } });
    const mine = await say(a, room.id, 'ada keeps this one');
    const r = await a.call('account.delete', { password: 'correct horse' });
    expect(r.messages).toBe('keep');
    await liveEvent(b, (e) => e.type === 'user.removed' && e.data.userId === ada.id, 'user.removed');
    const history = await b.call('history', { roomId: room.id });
    const kept = history.messages.find((m: { id: string }) => m.id === mine.id);
    expect(kept.text).toBe('ada keeps this one');
    expect(kept.authorId).toBe(ada.id);
    const state = await b.call('state');
    const author = [...state.users, ...(state.formerUsers ?? [])].find((u: { id: string }) => u.id === ada.id);
    if (author) expect(author.nickname).toMatch(/^deleted-user-/);
    expect(bytesOnDisk(server.dataDir).includes(Buffer.from('ada keeps this one'))).toBe(true);
  });

  it('needs the password and, with two-factor login, a code; the only owner cannot leave', async () => {
    const { server, olga, o, a } = await community();
    expect((await refused(a, 'account.delete', { password: 'wrong horse' })).code).toBe('UNAUTHORIZED');
    const only = await refused(o, 'account.delete', { password: 'correct horse' });
    expect(only.code).toBe('FORBIDDEN');
    expect(only.message).toMatch(/only owner/);
    // With a second owner, the first may go.
    const other = await member(server.url, 'otto');
    await makeOwner(server, other.id);
    expect((await o.call('account.delete', { password: 'correct horse', messages: 'keep' })).ok).toBe(true);
    expect((await server.app.storage.users.byId(olga.id))?.removedReason).toBe('deleted');
  });

  it('with two-factor login on, a missing or wrong code refuses, a right one deletes', async () => {
    const clock = { t: Date.now() };
    const { a } = await community({ now: () => clock.t, accessTokenTtlSec: 3650 * 86_400 });
    const { secret } = await a.call('twofa.setup');
    await a.call('twofa.enable', { code: totpAt(secret, clock.t) });
    clock.t += TOTP_PERIOD_SEC * 1000;
    expect((await refused(a, 'account.delete', { password: 'correct horse' })).code).toBe('CODE_REQUIRED');
    expect((await refused(a, 'account.delete', { password: 'correct horse', code: '000000' === totpAt(secret, clock.t) ? '111111' : '000000' })).code).toBe('UNAUTHORIZED');
    expect((await a.call('account.delete', { password: 'correct horse', code: totpAt(secret, clock.t) })).ok).toBe(true);
    expect(await a.waitClose()).toBe(4410);
  });

  it('holds the old username and nickname for the configured time, then lets them go', async () => {
    const clock = { t: Date.now() };
    const { server, a } = await community({ now: () => clock.t, accessTokenTtlSec: 3650 * 86_400, accountDeletion: { nameHoldSec: 3600 } });
    await a.call('account.delete', { password: 'correct horse' });
    const again = () => post(server.url, '/api/signup', { username: 'ada', password: 'another horse', nickname: 'adalove' });
    clock.t += 3599_000;
    expect((await again()).status).toBe(409);
    clock.t += 2000;
    const back = await again();
    expect(back.status).toBe(200);
    // A new account: not the deleted one.
    expect(back.body.user.nickname).toBe('adalove');
    expect((await server.app.storage.users.byId(back.body.user.id))?.removed).toBe(false);
  });
});

