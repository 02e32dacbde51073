import { type ClientEvent, isCommunityRoom, type PublicUser, type Room, userById, type World } from '@open-discord/protocol';

/** One line of what happened in a room ("bob is now known as bobby"), placed among the messages by `order`. */
export interface ActivityLine {
  /** The event's id: a replayed event is recognised and not told twice. */
  id: string;
  order: number;
  at: number;
  text: string;
}

export interface Happening {
  line: ActivityLine;
  /** The rooms it is told in. */
  roomIds: string[];
}

type Seen = Pick<World, 'users' | 'formerUsers' | 'rooms' | 'roles' | 'me'>;

/** The highest role (the owner's) sees every room that is not a conversation. */
function outranksAll(world: Seen, user: PublicUser): boolean {
  const top = Math.max(...Object.values(world.roles).map((r) => r.position));
  return user.roles.some((id) => world.roles[id]?.builtin && world.roles[id]!.position === top);
}

/**
 * The rooms on my screen that `user` can see too: where IRC would tell a nick change or a quit in every
 * channel the two of you share, od tells it in every room you share (a restricted room only if they hold one
 * of its roles, a conversation only if they are in it).
 */
export function sharedRooms(world: Seen, user: PublicUser): string[] {
  const all = outranksAll(world, user);
  return Object.values(world.rooms)
    .filter((r: Room) =>
      !isCommunityRoom(r.kind)
        ? (r.members ?? []).includes(user.id)
        : all || r.restrictedTo === null || user.roles.some((id) => r.restrictedTo!.includes(id)),
    )
    .map((r) => r.id);
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');

/**
 * What an event tells the people in a room, as a line, and where: nick changes, joins, kicks and bans in every
 * room shared with that member; topic changes and renames in their room. `prev` is the world before the event
 * (a removed member's name, a room's old topic), `next` after it. Names and topics were cleaned of terminal
 * controls on their way in (world/intake.ts). Pure: the same event always gives the same line.
 */
export function describeEvent(prev: Seen, next: Seen, e: ClientEvent): Happening | null {
  const line = (text: string): ActivityLine => ({ id: e.id, order: e.order, at: e.createdAt, text: oneLine(text) });
  const actor = e.actorId ? userById(prev, e.actorId)?.nickname : undefined;
  const isMe = (id: string) => id === prev.me.id;
  switch (e.type) {
    case 'user.joined': {
      const u = e.data.user;
      if (prev.users[u.id]) return null;
      return { line: line(`${u.nickname} joined the server`), roomIds: sharedRooms(next, u) };
    }
    case 'user.updated': {
      const u = e.data.user;
      const was = prev.users[u.id];
      if (!was || was.nickname === u.nickname) return null;
      const text = isMe(u.id) ? `you are now known as ${u.nickname}` : `${was.nickname} is now known as ${u.nickname}`;
      return { line: line(text), roomIds: sharedRooms(next, u) };
    }
    case 'user.removed': {
      const u = userById(prev, e.data.userId);
      if (!u || !prev.users[u.id]) return null;
      const by = actor && e.actorId !== u.id ? ` by ${actor}` : '';
      const text =
        e.data.reason === 'banned' ? `${u.nickname} was banned${by}` : e.data.reason === 'kicked' ? `${u.nickname} was removed from the server${by}` : `${u.nickname} left (account deleted)`;
      return { line: line(text), roomIds: sharedRooms(prev, u) };
    }
    case 'room.updated': {
      const before = prev.rooms[e.data.room.id];
      const after = e.data.room;
      if (!before) return null;
      const who = actor ?? 'someone';
      const parts: string[] = [];
      if (before.name !== after.name) parts.push(`${who} renamed #${before.name} to #${after.name}`);
      if (before.topic !== after.topic) parts.push(after.topic ? `${who} changed the topic to: ${after.topic}` : `${who} cleared the topic`);
      return parts.length ? { line: line(parts.join('; ')), roomIds: [after.id] } : null;
    }
    default:
      return null;
  }
}
