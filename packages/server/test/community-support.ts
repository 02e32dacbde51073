import fs from 'node:fs';
import { expect } from 'vitest';
import { applyEvent, decodeEvent, worldFromState, type StateResult, type World } from '@open-discord/protocol';
import type { App, ServerOptions } from '../src/app.js';
import { RawClient, signup, testServer } from './helpers.js';

type Frame = Record<string, any>;

/** Servers, sockets and temp dirs started by a test, released in reverse order by `release`. */
export class Harness {
  private readonly cleanups: Array<() => Promise<void> | void> = [];

  async server(over: Partial<ServerOptions> = {}) {
    const server = await testServer(over);
    this.cleanups.push(() => fs.rmSync(server.dataDir, { recursive: true, force: true }));
    this.cleanups.push(() => server.close());
    return server;
  }

  async connect(url: string, token: string, resumeAfter?: number): Promise<RawClient> {
    const c = await RawClient.connect(url, token, resumeAfter);
    this.cleanups.push(() => c.close());
    return c;
  }

  /** A server with these users signed up (the first made owner) and each connected, in order. */
  async community(...usernames: string[]) {
    const server = await this.server();
    const members: Member[] = [];
    for (const u of usernames) members.push(await member(server.url, u));
    await makeOwner(server, members[0]!.id);
    const clients: RawClient[] = [];
    for (const m of members) clients.push(await this.connect(server.url, m.token));
    return { server, members, clients };
  }

  async release(): Promise<void> {
    while (this.cleanups.length) await this.cleanups.pop()!();
  }
}

export interface Member {
  id: string;
  token: string;
  nickname: string;
}

export async function member(url: string, username: string): Promise<Member> {
  const pair = await signup(url, username);
  return { id: pair.user.id, token: pair.accessToken, nickname: pair.user.nickname };
}

/** Make a user the owner the way only the operator can. */
export async function makeOwner(server: { app: App }, userId: string): Promise<void> {
  await server.app.services.roles.grant(null, { userId, roleId: 'owner' });
}

/** The request's error, asserting it failed. */
export async function refused(c: RawClient, type: string, params: Record<string, unknown>): Promise<{ code: string; message: string }> {
  const r = await c.request(type, params);
  expect(r.ok, `${type} should have been refused`).toBe(false);
  return r.error;
}

/** Wait until the client received a live event matching `pred`. */
export function liveEvent(c: RawClient, pred: (e: Frame) => boolean, what = 'event'): Promise<Frame> {
  return c.waitFrame((f) => f.type === 'event' && pred(f.event), what).then((f) => f.event);
}

/** Every sync page from 0 for this client, concatenated; checks the pages tile 1..head. */
export async function syncFromZero(c: RawClient): Promise<{ events: Frame[]; through: number }> {
  const events: Frame[] = [];
  let after = 0;
  for (let i = 0; i < 10_000; i++) {
    const page = await c.call('sync', { after });
    expect(page.snapshotRequired).toBe(false);
    expect(page.through).toBeGreaterThanOrEqual(after);
    for (const e of page.events) {
      expect(e.order).toBeGreaterThan(after);
      expect(e.order).toBeLessThanOrEqual(page.through);
    }
    events.push(...page.events);
    after = page.through;
    if (!page.more) return { events, through: after };
  }
  throw new Error('sync did not end');
}

/**
 * The world a brand-new client builds by syncing from order 0 and folding every event with the protocol's
 * pure model. Built-in roles exist from the start (they are not events), so the fold starts from them.
 */
export async function foldFromZero(c: RawClient, state: StateResult): Promise<World> {
  const empty: StateResult = {
    ...state,
    head: 0,
    users: [],
    rooms: [],
    categories: [],
    roles: state.roles.filter((r) => r.builtin).map((r) => ({ ...r, permissions: builtinDefaults[r.id] ?? r.permissions })),
    readMarkers: {},
    unread: {},
  };
  let world = worldFromState(empty, undefined, 100_000);
  const { events } = await syncFromZero(c);
  for (const raw of events) {
    const e = decodeEvent(raw);
    expect(e, `event ${raw.type} decodes`).not.toBeNull();
    world = applyEvent(world, e!);
  }
  return world;
}

/** Built-in roles as the migrations create them; later permission changes arrive as role.updated events. */
const ALL = [
  'create_rooms', 'manage_rooms', 'manage_roles', 'manage_members', 'moderate_messages', 'mention_everyone',
  'create_invites', 'manage_invites', 'manage_own_rooms',
] as const;
const builtinDefaults: Record<string, Array<(typeof ALL)[number]>> = {
  owner: [...ALL],
  admin: [...ALL],
  everyone: ['create_rooms', 'manage_own_rooms'],
};

const sortById = <T extends { id: string }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));
const stripOnline = ({ online: _o, presence: _p, ...u }: any) => ({ ...u, roles: [...u.roles].sort() });

/**
 * A fresh connection's `state` equals what a fresh client folds from a sync from 0, and each joined room's
 * loaded messages equal its history: the change is durable and replayable, not just live. (A joined room's
 * messages must have been sent after the join for the fold to hold them: on joining, the model drops what it
 * had and a real client loads the history afresh.) Rooms not joined receive no messages at all.
 */
export async function expectConvergent(url: string, token: string, h: Harness): Promise<StateResult> {
  const c = await h.connect(url, token);
  const state = (await c.call('state')) as StateResult;
  const world = await foldFromZero(c, state);
  expect(sortById(Object.values(world.users)).map(stripOnline)).toEqual(sortById(state.users).map(stripOnline));
  expect(sortById(Object.values(world.rooms))).toEqual(sortById(state.rooms));
  expect(sortById(Object.values(world.categories))).toEqual(sortById(state.categories));
  expect(sortById(Object.values(world.roles))).toEqual(sortById(state.roles));
  const joined = new Set(state.joined);
  for (const room of state.rooms) {
    if (!joined.has(room.id)) {
      // A room one is not in is only listed: none of its messages arrive (its history is a preview), and
      // no unread count or read marker is kept for it.
      expect(world.messages[room.id] ?? []).toEqual([]);
      expect(state.unread[room.id]).toBeUndefined();
      expect(state.readMarkers[room.id]).toBeUndefined();
      continue;
    }
    const { messages } = await c.call('history', { roomId: room.id, limit: 200 });
    expect(world.messages[room.id] ?? []).toEqual(messages);
    expect(world.unread[room.id] ?? { count: 0, mentions: 0 }).toEqual(state.unread[room.id]);
  }
  await c.close();
  return state;
}
