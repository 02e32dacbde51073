import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { AccessView } from '../src/core/access.js';
import { Harness, refused } from './community-support.js';

/*
 * Finding 4: message.edit, message.delete, room.update and room.delete took longer on a hidden id than on
 * a missing one: the missing id was refused before the visibility check, which may (re)load the access
 * index from the database. Not timed here: the test counts the work each answer does — database reads,
 * access-index loads and visibility checks — and requires it to be identical for hidden and missing ids.
 */
const h = new Harness();
afterEach(() => h.release());

describe('hidden and missing ids do the same work', () => {
  it('counts the same reads, index loads and checks for a hidden and a missing id, and answers the same', async () => {
    const { server, members, clients } = await h.community('owner', 'alice');
    const [owner, alice] = clients as [any, any];
    const { storage: store, services } = server.app;
    const access = services.deps.access;
    const mods = (await owner.call('role.create', { name: 'mods' })).role;
    await owner.call('role.grant', { userId: members[0]!.id, roleId: mods.id });
    const { room } = await owner.call('room.create', { name: 'staff', restrictedTo: [mods.id] });
    const msg = (await owner.call('message.send', { roomId: room.id, text: 'hidden', nonce: 'n1' })).message;

    // Count calls into the real store and index (wrapping, not replacing, their methods).
    const counts = new Map<string, number>();
    const count = (name: string, obj: any, method: string) => {
      const real = obj[method];
      obj[method] = function (this: unknown, ...args: unknown[]) {
        counts.set(name, (counts.get(name) ?? 0) + 1);
        return real.apply(this, args);
      };
    };
    count('messages.get', store.messages, 'get');
    count('rooms.get', store.rooms, 'get');
    count('rooms.all', store.rooms, 'all'); // what loading the access index costs
    count('view', access, 'view');
    // The checks themselves run on the loaded rules (AccessView), counted on its prototype for this test.
    const proto = AccessView.prototype as any;
    const originals = { canSeeRoom: proto.canSeeRoom, room: proto.room };
    onTestFinished(() => Object.assign(proto, originals));
    count('canSeeRoom', proto, 'canSeeRoom');
    count('room', proto, 'room');

    const measure = async (type: string, params: Record<string, unknown>) => {
      access.invalidate(); // as after any access-affecting write: the next check reloads the index
      counts.clear();
      const error = await refused(alice, type, params);
      return { error, work: Object.fromEntries([...counts].sort()) };
    };
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['message.edit', { messageId: msg.id, text: 'x' }, { messageId: 'no-such-message', text: 'x' }],
      ['message.delete', { messageId: msg.id }, { messageId: 'no-such-message' }],
      ['room.update', { roomId: room.id, topic: 't' }, { roomId: 'no-such-room', topic: 't' }],
      ['room.delete', { roomId: room.id }, { roomId: 'no-such-room' }],
    ];
    for (const [type, hiddenParams, missingParams] of cases) {
      const hidden = await measure(type, hiddenParams);
      const missing = await measure(type, missingParams);
      expect(hidden.error, type).toEqual(missing.error);
      expect(hidden.work, type).toEqual(missing.work);
      expect(hidden.work['rooms.all'], `${type} loads the index either way`).toBe(1);
    }
  });
});
