import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addHistory,
  applyEvent,
  connect,
  signup,
  worldFromState,
  type ConnectionStatus,
  type OdClient,
  type StateResult,
  type World,
} from '@open-discord/protocol';
import { startServer, type RunningServer } from '@open-discord/server';

/*
 * Community features through the typed client a bot uses: typed requests for roles, categories, gated
 * rooms and moderation; the member's client reacts to access.changed by reloading state; kicked and banned
 * clients stop. Each client keeps a World with the protocol's pure model, as the TUI does.
 */

let dir: string;
let server: RunningServer;
const clients: OdClient[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-'));
  server = await startServer({ dataDir: dir, port: 0, registration: 'invite', bcryptCost: 4, authRate: null, log: () => {} });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Tracked {
  client: OdClient;
  world: () => World;
  snapshots: string[];
  statuses: ConnectionStatus[];
}

async function join(username: string, invite: string | null): Promise<Tracked> {
  const password = `password-of-${username}`;
  await signup(server.url, { username, password, ...(invite ? { invite } : {}) });
  let world: World | null = null;
  const snapshots: string[] = [];
  const statuses: ConnectionStatus[] = [];
  const client = await connect(server.url, { username, password }, {
    backoff: { initialMs: 10, maxMs: 50 },
    setup: (c) => {
      c.on('snapshot', (s: StateResult, reason) => {
        world = worldFromState(s, world ?? undefined);
        snapshots.push(reason);
      });
      c.on('event', (e) => {
        if (world) world = applyEvent(world, e);
      });
      c.on('status', (s) => statuses.push(s));
    },
  });
  clients.push(client);
  return { client, world: () => world!, snapshots, statuses };
}

/** Poll a condition that socket traffic makes true; bounded. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Invites are minted by the operator (od-server invite create); the typed client has no request for it. */
async function invite(): Promise<string> {
  const { createInvite } = await import('../packages/server/src/features/accounts/service.js');
  return createInvite({ store: server.app.storage, now: Date.now }, { uses: 1 });
}

describe('community through the typed client', () => {
  it('roles, categories and a gated room: the member sees it appear and vanish, with history', async () => {
    const owner = await join('olive', server.firstRunInvite);
    const member = await join('mia', await invite());
    const o = owner.client;

    const { category } = await o.request('category.create', { name: 'Staff' });
    const { room } = await o.request('room.create', { name: 'backstage', categoryId: category.id });
    const { role } = await o.request('role.create', { name: 'crew', color: '#98c379' });
    await o.request('room.restrict', { roomId: room.id, roleIds: [role.id] });
    await o.request('message.send', { roomId: room.id, text: 'crew only', nonce: 'c1' });
    await until(() => member.snapshots.includes('access-changed'), 'access-changed snapshot');
    await until(() => !member.world().rooms[room.id], 'room hidden from the member');

    await o.request('role.grant', { userId: member.client.me!.id, roleId: role.id });
    await until(() => !!member.world().rooms[room.id], 'room visible to the member');
    const page = await member.client.request('history', { roomId: room.id });
    expect(page.messages.map((m) => m.text)).toEqual(['crew only']);
    const w = addHistory(member.world(), room.id, page.messages);
    expect(w.rooms[room.id]).toMatchObject({ categoryId: category.id, restrictedTo: [role.id] });
    expect(w.users[member.client.me!.id]!.roles).toEqual([role.id]);
    expect(w.roles[role.id]).toMatchObject({ name: 'crew', color: '#98c379' });
    expect(w.categories[category.id]!.name).toBe('Staff');

    await o.request('role.revoke', { userId: member.client.me!.id, roleId: role.id });
    await until(() => !member.world().rooms[room.id], 'room hidden again');
    await expect(member.client.request('history', { roomId: room.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The member cannot do the owner's work, with a typed, clear error.
    await expect(member.client.request('role.create', { name: 'mine' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('nick and colour changes reach other clients; kick ends the client for good', async () => {
    const owner = await join('olive', server.firstRunInvite);
    const member = await join('mia', await invite());
    await member.client.request('nick.set', { nickname: 'Mia_M' });
    await member.client.request('color.set', { color: '#ff79c6' });
    const id = member.client.me!.id;
    await until(() => owner.world().users[id]?.color === '#ff79c6', 'colour at the owner');
    expect(owner.world().users[id]!.nickname).toBe('Mia_M');

    await owner.client.request('member.kick', { userId: id });
    await until(() => member.client.status.state === 'closed', 'kicked client closed');
    await until(() => !owner.world().users[id], 'member gone from the owner world');
  });

  it('ban closes the client with a fatal code: it does not reconnect', async () => {
    const owner = await join('olive', server.firstRunInvite);
    const member = await join('mia', await invite());
    await owner.client.request('member.ban', { userId: member.client.me!.id });
    await until(() => member.client.status.state === 'closed', 'banned client closed');
    expect(member.statuses.filter((s) => s.state === 'connecting').length).toBeLessThanOrEqual(1);
  });
});
