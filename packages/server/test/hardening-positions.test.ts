import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './community-support.js';

/*
 * Finding 5: a respace after hidden-room moves sent a member positions that counted the hidden rooms
 * (2048 → 13312 with 12 hidden rooms), and category.delete did the same. Twin servers run the same visible
 * steps; one also holds hidden rooms, placed between the visible ones by the owner. What a member sees —
 * live room.updated events and the final state — must be identical in both.
 */
const h = new Harness();
afterEach(() => h.release());

type Frame = Record<string, any>;

async function world(hidden: number) {
  const { members, clients } = await h.community('owner', 'mgr', 'member');
  const [owner, mgr, member] = clients as [any, any, any];
  const managers = (await owner.call('role.create', { name: 'managers' })).role;
  await owner.call('role.update', { roleId: managers.id, add: ['manage_rooms'] });
  await owner.call('role.grant', { userId: members[1]!.id, roleId: managers.id });
  const secret = (await owner.call('role.create', { name: 'secret' })).role; // held by nobody: the owner sees it

  const v: any[] = [];
  for (let i = 0; i < 4; i++) v.push((await mgr.call('room.create', { name: `v${i}` })).room);
  // Hidden rooms, spread over the gaps between the visible rooms (few per gap: their moves never respace).
  for (let i = 0; i < hidden; i++) {
    const r = (await owner.call('room.create', { name: `h${i}`, restrictedTo: [secret.id] })).room;
    const state = await owner.call('state');
    const order = state.rooms.filter((x: Frame) => x.categoryId === null && x.kind === 'text').sort((a: Frame, b: Frame) => a.position - b.position || (a.id < b.id ? -1 : 1));
    const gapAfter = order.findIndex((x: Frame) => x.name === `v${i % 3}`);
    await owner.call('room.move', { roomId: r.id, categoryId: null, position: gapAfter + 1 });
  }
  return { owner, mgr, member, v };
}

/** What the member was told about room places (by name), and its final view. */
async function seen(member: any) {
  const state = await member.call('state');
  const names = new Map(state.rooms.map((r: Frame) => [r.id, r.name]));
  const updates = member.events
    .filter((f: Frame) => f.event.type === 'room.updated')
    .map((f: Frame) => `${names.get(f.event.data.room.id)}@${f.event.data.room.categoryId === null ? '-' : 'cat'}:${f.event.data.room.position}`);
  const final = state.rooms.map((r: Frame) => `${r.name}@${r.categoryId === null ? '-' : 'cat'}:${r.position}`).sort();
  return { updates, final };
}

async function visibleSteps(w: Awaited<ReturnType<typeof world>>) {
  const { mgr, v } = w;
  // Twelve moves into the gap after v0 exhaust it: the category is respaced.
  for (let i = 0; i < 12; i++) await mgr.call('room.move', { roomId: v[1 + (i % 3)].id, categoryId: null, position: 1 });
  // A category with visible rooms, then deleted: its rooms come back uncategorised.
  const { category } = await mgr.call('category.create', { name: 'cat' });
  await mgr.call('room.move', { roomId: v[2].id, categoryId: category.id });
  await mgr.call('room.move', { roomId: v[3].id, categoryId: category.id });
  return category;
}

describe('positions after hidden moves', () => {
  it('a member sees the same positions whether or not hidden rooms sit between theirs', async () => {
    const plain = await world(0);
    const catA = await visibleSteps(plain);
    await plain.mgr.call('category.delete', { categoryId: catA.id });

    const crowded = await world(12);
    const catB = await visibleSteps(crowded);
    // The owner puts hidden rooms into the category too, before, between and after the visible ones.
    const hiddenIds = (await crowded.owner.call('state')).rooms.filter((r: Frame) => r.name.startsWith('h')).map((r: Frame) => r.id);
    for (const [i, id] of hiddenIds.slice(0, 6).entries()) {
      await crowded.owner.call('room.move', { roomId: id, categoryId: catB.id, position: i % 3 });
    }
    await crowded.mgr.call('category.delete', { categoryId: catB.id });

    const a = await seen(plain.member);
    const b = await seen(crowded.member);
    expect(a.updates.length).toBeGreaterThan(12); // the respace happened, and was seen
    expect(b.updates).toEqual(a.updates);
    expect(b.final).toEqual(a.final);
  });
});
