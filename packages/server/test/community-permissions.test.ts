import { afterEach, describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '@open-discord/protocol';
import { Dispatcher } from '../src/session/dispatcher.js';
import type { Services } from '../src/app.js';
import { FEATURES } from '../src/features/index.js';
import { Harness, makeOwner, member, refused } from './community-support.js';

const h = new Harness();
afterEach(() => h.release());

describe('permissions', () => {
  it('every request type in the protocol has a handler', () => {
    const d = new Dispatcher(null);
    const fake = {} as Services; // handlers only capture it; nothing is called while registering
    for (const f of FEATURES) f.register?.(d, fake);
    expect(REQUEST_TYPES.filter((t) => !d.has(t))).toEqual([]);
  });

  it('every privileged request from a member without the permission is refused clearly, and writes nothing', async () => {
    const server = await h.server();
    const owner = await member(server.url, 'olive');
    const pleb = await member(server.url, 'pete');
    const other = await member(server.url, 'otto');
    await makeOwner(server, owner.id);
    const o = await h.connect(server.url, owner.token);
    const p = await h.connect(server.url, pleb.token);
    // The everyone role loses create_rooms, so room creation is privileged too.
    await o.call('role.update', { roleId: 'everyone', remove: ['create_rooms'] });
    const { room } = await o.call('room.create', { name: 'lobby' });
    const { room: secret } = await o.call('room.create', { name: 'secret' });
    const { role } = await o.call('role.create', { name: 'staff' });
    await o.call('room.restrict', { roomId: secret.id, roleIds: [role.id] });
    const { category } = await o.call('category.create', { name: 'Talk' });
    const { message } = await o.call('message.send', { roomId: room.id, text: 'hi', nonce: 'n' });
    const { message: hiddenMsg } = await o.call('message.send', { roomId: secret.id, text: 'psst', nonce: 'm' });
    const { room: board } = await o.call('room.create', { name: 'ideas', kind: 'forum' });
    const { room: secretBoard } = await o.call('room.create', { name: 'secret-ideas', kind: 'forum', restrictedTo: [role.id] });
    const { post } = await o.call('post.create', { roomId: board.id, title: 'Hello', text: '', nonce: 'p' });
    const { post: hiddenPost } = await o.call('post.create', { roomId: secretBoard.id, title: 'Psst', text: '', nonce: 'q' });

    const forbidden: Array<[string, Record<string, unknown>, string]> = [
      ['room.create', { name: 'mine' }, 'create rooms'],
      ['room.update', { roomId: room.id, name: 'renamed' }, 'change this room'],
      ['room.move', { roomId: room.id, categoryId: category.id }, 'manage_rooms'],
      ['room.restrict', { roomId: room.id, roleIds: [role.id] }, 'manage_rooms'],
      ['room.open', { roomId: room.id }, 'manage_rooms'],
      ['room.delete', { roomId: room.id }, 'manage_rooms'],
      ['room.retention', { roomId: room.id, seconds: 86_400 }, 'manage_rooms'],
      ['category.create', { name: 'Mine' }, 'manage_rooms'],
      ['category.update', { categoryId: category.id, name: 'Mine' }, 'manage_rooms'],
      ['category.delete', { categoryId: category.id }, 'manage_rooms'],
      ['role.create', { name: 'mine' }, 'manage_roles'],
      ['role.update', { roleId: role.id, add: ['manage_rooms'] }, 'manage_roles'],
      ['role.delete', { roleId: role.id }, 'manage_roles'],
      ['role.grant', { userId: pleb.id, roleId: role.id }, 'manage_roles'],
      ['role.revoke', { userId: pleb.id, roleId: role.id }, 'manage_roles'],
      ['member.kick', { userId: other.id }, 'manage_members'],
      ['member.ban', { userId: other.id }, 'manage_members'],
      ['message.delete', { messageId: message.id }, 'moderate_messages'],
      ['message.edit', { messageId: message.id, text: 'mine now' }, 'your own'],
      ['post.edit', { postId: post.id, title: 'mine now' }, 'your own'],
      ['post.moderate', { postId: post.id, locked: true }, 'moderate_messages'],
    ];
    // A room the member cannot see does not exist for them: the same answer as for a missing id.
    const hidden: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['room.update', { roomId: secret.id, topic: 'x' }, { roomId: 'nope', topic: 'x' }],
      ['room.move', { roomId: secret.id, categoryId: null }, { roomId: 'nope', categoryId: null }],
      ['room.restrict', { roomId: secret.id, roleIds: [role.id] }, { roomId: 'nope', roleIds: [role.id] }],
      ['room.open', { roomId: secret.id }, { roomId: 'nope' }],
      ['room.delete', { roomId: secret.id }, { roomId: 'nope' }],
      ['room.retention', { roomId: secret.id, seconds: 0 }, { roomId: 'nope', seconds: 0 }],
      ['message.send', { roomId: secret.id, text: 'x', nonce: 'q' }, { roomId: 'nope', text: 'x', nonce: 'r' }],
      ['message.delete', { messageId: hiddenMsg.id }, { messageId: 'nope' }],
      ['message.edit', { messageId: hiddenMsg.id, text: 'x' }, { messageId: 'nope', text: 'x' }],
      ['history', { roomId: secret.id }, { roomId: 'nope' }],
      ['read.mark', { roomId: secret.id, order: 1 }, { roomId: 'nope', order: 1 }],
      ['post.create', { roomId: secretBoard.id, title: 't', text: '', nonce: 'z' }, { roomId: 'nope', title: 't', text: '', nonce: 'z' }],
      ['post.list', { roomId: secretBoard.id }, { roomId: 'nope' }],
      ['post.get', { postId: hiddenPost.id }, { postId: 'nope' }],
      ['post.edit', { postId: hiddenPost.id, title: 'x' }, { postId: 'nope', title: 'x' }],
      ['post.moderate', { postId: hiddenPost.id, pinned: true }, { postId: 'nope', pinned: true }],
      ['bookmark.add', { postId: hiddenPost.id }, { postId: 'nope' }],
      ['bookmark.remove', { postId: hiddenPost.id }, { postId: 'nope' }],
    ];

    const head = server.head();
    for (const [type, params, mention] of forbidden) {
      const err = await refused(p, type, params);
      expect(err.code, type).toBe('FORBIDDEN');
      expect(err.message, type).toContain(mention);
    }
    for (const [type, params, missing] of hidden) {
      const a = await refused(p, type, params);
      const b = await refused(p, type, missing);
      expect(a.code, type).toBe('NOT_FOUND');
      expect(a, type).toEqual(b);
      expect(a.message).not.toContain('secret');
    }
    expect(server.head()).toBe(head);
    // Nothing reached the member live either, besides what it could see before.
    expect(p.events.every((f) => f.event.order <= head)).toBe(true);
  });
});
