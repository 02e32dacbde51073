// Builds the world a workload needs through the public API only: accounts over HTTP, then rooms (and,
// for rooms that only some clients may see, one role per room that is granted to its members).
import { accounts, account } from './http.mjs';
import { connectClient } from './client.mjs';

export const PASSWORD = 'bench-password-1';

async function ok(client, type, params) {
  const r = await client.request(type, params);
  if (!r.ok) throw new Error(`${type} failed: ${r.error?.code} ${r.error?.message}`);
  return r.result;
}

async function pool(items, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * What else keeps a room's messages to its members when there are several rooms (`roomMode`). Every
 * client joins its own room (room membership, the IRC way) in every mode:
 *   joined     — public rooms; membership alone decides who receives what (as in IRC).
 *   restricted — each room is also restricted to a role of its own, granted to that room's members.
 */
const ROOM_MODES = {
  async joined() {},
  async restricted(admin, { accs, roomIds }) {
    const roleIds = [];
    for (let k = 0; k < roomIds.length; k++) {
      const role = (await ok(admin, 'role.create', { name: `r${k}` })).role;
      roleIds.push(role.id);
      await ok(admin, 'room.restrict', { roomId: roomIds[k], roleIds: [role.id] });
    }
    await pool(accs, 64, (a, i) => ok(admin, 'role.grant', { userId: a.user.id, roleId: roleIds[i % roomIds.length] }));
  },
};
export const roomModes = Object.keys(ROOM_MODES);

/**
 * `users` accounts and `rooms` rooms; user i is a member of room i % rooms. With one room it is public;
 * with several, membership is set up as `roomMode` says (see ROOM_MODES).
 * The owner account (signed up first, with the server's first-run invite when there is one) does the
 * setup and disconnects before anything is measured.
 */
export async function setupRooms(url, { users, rooms, prefix = 'bench', ownerInvite, roomMode = 'restricted' }) {
  if (rooms > 1 && !ROOM_MODES[roomMode]) throw new Error(`roomMode "${roomMode}" is not available; known: ${roomModes.join(', ')}`);
  const owner = await account(url, `${prefix}-owner`, PASSWORD, ownerInvite);
  const names = Array.from({ length: users }, (_, i) => `${prefix}-u${i}`);
  const accs = await accounts(url, names, PASSWORD, 32);
  const admin = await connectClient(url, owner.accessToken);
  const roomIds = [];
  try {
    for (let k = 0; k < rooms; k++) roomIds.push((await ok(admin, 'room.create', { name: `${prefix}-r${k}` })).room.id);
    if (rooms > 1) await ROOM_MODES[roomMode](admin, { accs, roomIds });
  } finally {
    admin.close();
  }
  // Each client joins its room itself, over its own connection (the owner created them, so is in all).
  await pool(accs, 32, async (a, i) => {
    const c = await connectClient(url, a.accessToken);
    try {
      await ok(c, 'room.join', { roomId: roomIds[i % rooms] });
    } finally {
      c.close();
    }
  });
  return { owner, accounts: accs, roomIds, roomOf: (i) => roomIds[i % rooms] };
}
