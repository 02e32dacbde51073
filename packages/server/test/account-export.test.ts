import { describe, expect, it } from 'vitest';
import { AccountExport } from '@open-discord/protocol';
import { RawClient, post, signup, testScope } from './helpers.js';

const { setup, cleanups } = testScope();

async function connect(url: string, token: string): Promise<RawClient> {
  const c = await RawClient.connect(url, token);
  cleanups.push(() => c.close());
  return c;
}

describe('data export (POST /api/export)', () => {
  it('holds exactly what the user can see of their own data, and nothing of rooms hidden from them', async () => {
    const server = await setup();
    const [olga, ada, bob, cy] = [await signup(server.url, 'olga'), await signup(server.url, 'ada'), await signup(server.url, 'bob'), await signup(server.url, 'cyd')];
    await server.app.services.roles.grant(null, { userId: olga.user.id, roleId: 'owner' });
    const [o, a, b, c] = [await connect(server.url, olga.accessToken), await connect(server.url, ada.accessToken), await connect(server.url, bob.accessToken), await connect(server.url, cy.accessToken)];
    const { role: vips } = await o.call('role.create', { name: 'vips' });
    await o.call('role.grant', { userId: ada.user.id, roleId: vips.id });
    const open = (await o.call('room.create', { name: 'lobby' })).room;
    const secret = (await o.call('room.create', { name: 'vault', restrictedTo: [vips.id] })).room;
    for (const x of [a, b]) await x.call('room.join', { roomId: open.id });
    await a.call('room.join', { roomId: secret.id });

    const send = async (x: RawClient, roomId: string, text: string) => (await x.call('message.send', { roomId, text, nonce: text })).message;
    const mine1 = await send(a, open.id, 'ada in the lobby');
    const bobs = await send(b, open.id, 'bob in the lobby');
    await send(a, secret.id, 'ada in the vault 7f3c');
    const vaultByOlga = await send(o, secret.id, 'olga in the vault');
    const dm = (await a.call('dm.open', { userId: bob.user.id })).room;
    const mine2 = await send(a, dm.id, 'ada to bob, privately');
    const gone = await send(a, open.id, 'ada deleted this');
    await a.call('message.delete', { messageId: gone.id });
    await a.call('reaction.add', { messageId: bobs.id, emoji: '👍' });
    await a.call('reaction.add', { messageId: vaultByOlga.id, emoji: '🎉' });
    // Bob and Cy's group: Ada is not in it.
    const group = (await b.call('group.create', { name: 'plans', userIds: [cy.user.id] })).room;
    await send(c, group.id, 'cy in the group a91e');
    // Ada loses the role: the vault is hidden from her now, her own messages there included.
    await o.call('role.revoke', { userId: ada.user.id, roleId: vips.id });

    const r = await post(server.url, '/api/export', {}, { authorization: `Bearer ${ada.accessToken}` });
    expect(r.status).toBe(200);
    const data = AccountExport.parse(r.body);
    expect(data.user).toMatchObject({ id: ada.user.id, username: 'ada', nickname: 'ada', roles: [], twoFactor: false });
    expect(data.messages.map((m) => m.id)).toEqual([mine1.id, mine2.id]);
    expect(data.messages.map((m) => m.text)).toEqual(['ada in the lobby', 'ada to bob, privately']);
    // The rooms she is in (the lobby, the DM), never the vault she was in until it was hidden.
    expect(data.rooms.map((x) => x.id).sort()).toEqual([open.id, dm.id].sort());
    expect(data.rooms.every((x) => x.member)).toBe(true);
    expect(data.rooms.find((x) => x.id === dm.id)?.with).toEqual([{ id: bob.user.id, nickname: 'bob' }]);
    expect(data.reactions).toEqual([{ messageId: bobs.id, roomId: open.id, emoji: '👍', createdAt: expect.any(Number) }]);
    expect(data.files).toEqual([]);
    const text = JSON.stringify(r.body);
    for (const hidden of [secret.id, 'vault', '7f3c', vaultByOlga.id, group.id, 'a91e', 'bob in the lobby', 'deleted this']) {
      expect(text, hidden).not.toContain(hidden);
    }
    // The password hash and tokens are not data the user gave: they stay out.
    expect(text).not.toMatch(/\$2[aby]\$/);
  });

  it('holds the rooms, DMs and groups the user is in, their bookmarks, follows and bio; and is audited', async () => {
    const server = await setup();
    const [olga, ada, bob, cy] = [await signup(server.url, 'olga'), await signup(server.url, 'ada'), await signup(server.url, 'bob'), await signup(server.url, 'cyd')];
    await server.app.services.roles.grant(null, { userId: olga.user.id, roleId: 'owner' });
    const [o, a, b, c] = [await connect(server.url, olga.accessToken), await connect(server.url, ada.accessToken), await connect(server.url, bob.accessToken), await connect(server.url, cy.accessToken)];
    const board = (await o.call('room.create', { name: 'ideas', kind: 'forum' })).room;
    const quiet = (await o.call('room.create', { name: 'quiet' })).room;
    const { role: vips } = await o.call('role.create', { name: 'vips' });
    const vault = (await o.call('room.create', { name: 'vault', restrictedTo: [vips.id] })).room;
    await o.call('role.grant', { userId: ada.user.id, roleId: vips.id });
    for (const r of [board, quiet, vault]) await a.call('room.join', { roomId: r.id });
    const seen = (await o.call('post.create', { roomId: board.id, title: 'roadmap', text: 'what next', nonce: 'p1' })).post;
    const secretPost = (await o.call('room.create', { name: 'vault-board', kind: 'forum', restrictedTo: [vips.id] })).room;
    const hiddenPost = (await o.call('post.create', { roomId: secretPost.id, title: 'vault plans 5d1e', text: 'x', nonce: 'p2' })).post;
    await a.call('bookmark.add', { postId: seen.id });
    await a.call('bookmark.add', { postId: hiddenPost.id });
    await a.call('user.follow', { userId: bob.user.id });
    await c.call('user.follow', { userId: ada.user.id });
    await a.call('profile.set', { bio: 'I write compilers 2b9f' });
    const group = (await b.call('group.create', { name: 'plans', userIds: [ada.user.id, cy.user.id] })).room;
    // Hidden from her now: the vault, and the board whose post she bookmarked.
    await o.call('role.revoke', { userId: ada.user.id, roleId: vips.id });

    const r = await post(server.url, '/api/export', {}, { authorization: `Bearer ${ada.accessToken}` });
    expect(r.status).toBe(200);
    const data = AccountExport.parse(r.body);
    expect(data.profile).toEqual({ bio: 'I write compilers 2b9f', avatarFileId: null, showFollows: false });
    const names = data.rooms.map((x) => x.name).sort();
    expect(names).toEqual(['ideas', 'plans', 'quiet']);
    expect(data.rooms.find((x) => x.id === group.id)).toMatchObject({ kind: 'group', member: true });
    expect(data.rooms.find((x) => x.id === group.id)?.with?.map((u) => u.nickname).sort()).toEqual(['bob', 'cyd']);
    expect(data.bookmarks).toEqual([{ postId: seen.id, roomId: board.id, title: 'roadmap' }]);
    expect(data.following).toEqual([{ id: bob.user.id, nickname: 'bob' }]);
    expect(data.followers).toEqual([{ id: cy.user.id, nickname: 'cyd' }]);
    const text = JSON.stringify(r.body);
    for (const hidden of [vault.id, secretPost.id, hiddenPost.id, '5d1e']) expect(text, hidden).not.toContain(hidden);
    // Who took a copy of an account's data is in the audit log.
    const { entries } = await o.call('audit.list');
    expect(entries[0]).toMatchObject({ action: 'data.export', actorId: ada.user.id, targetUserId: ada.user.id, detail: { messages: 0, files: 0 } });
  });

  it('a few exports in a row, then the user waits (an export walks everything they wrote)', async () => {
    const clock = { t: 1_800_000_000_000 };
    const server = await setup({ now: () => clock.t });
    const ada = await signup(server.url, 'ada');
    const exp = () => post(server.url, '/api/export', {}, { authorization: `Bearer ${ada.accessToken}` });
    for (let i = 0; i < 3; i++) expect((await exp()).status).toBe(200);
    const limited = await exp();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    clock.t += 60_000;
    expect((await exp()).status).toBe(200);
  });

  it('needs a valid access token', async () => {
    const server = await setup();
    expect((await post(server.url, '/api/export', {})).status).toBe(401);
    expect((await post(server.url, '/api/export', {}, { authorization: 'Bearer nope' })).status).toBe(401);
  });
});
