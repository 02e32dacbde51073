import type { CommandSpec, World } from '@open-discord/protocol';
import { roomLabelOf } from '../state/rooms/selectors.js';

type Names = Pick<World, 'users' | 'formerUsers' | 'rooms' | 'roles' | 'categories' | 'me'>;

const nick = (w: Names, id: unknown) => (typeof id === 'string' ? (w.users[id] ?? w.formerUsers[id])?.nickname : undefined) ?? 'them';
const room = (w: Names, id: unknown) => {
  const r = typeof id === 'string' ? w.rooms[id] : undefined;
  return r ? `#${roomLabelOf(w, r)}` : 'the room';
};
const role = (w: Names, id: unknown) => (typeof id === 'string' ? w.roles[id]?.name : undefined) ?? 'the role';
const category = (w: Names, id: unknown) => (typeof id === 'string' ? w.categories[id]?.name : id === null ? 'uncategorised' : undefined) ?? 'the category';

/**
 * What a command that succeeded says, in the same form for every command: what is now true. `before` is the
 * world as the command was typed (a deleted room's name is gone from the world by the time the reply comes).
 */
export function doneText(spec: CommandSpec, params: Record<string, unknown>, before: Names): string {
  const p = params;
  switch (spec.request) {
    case 'room.create':
      return `created #${String(p.name)}`;
    case 'room.update':
      return p.topic !== undefined ? `topic of ${room(before, p.roomId)} set` : `${room(before, p.roomId)} updated`;
    case 'room.move':
      return `${room(before, p.roomId)} moved to ${category(before, p.categoryId)}`;
    case 'room.restrict':
      return `${room(before, p.roomId)} is now visible to ${(p.roleIds as string[]).map((id) => role(before, id)).join(', ')} only`;
    case 'room.open':
      return `${room(before, p.roomId)} is now visible to everyone`;
    case 'room.delete':
      return `${room(before, p.roomId)} deleted`;
    case 'nick.set':
      return `you are now known as ${String(p.nickname)}`;
    case 'color.set':
      return p.color === null ? 'your name colour is back to the default' : `your name colour is now ${String(p.color)}`;
    case 'room.slowmode':
      return p.seconds === 0 ? `slowmode off in ${room(before, p.roomId)}` : `slowmode in ${room(before, p.roomId)}: one message every ${String(p.seconds)} s`;
    case 'room.retention':
      return p.seconds === null
        ? `${room(before, p.roomId)} keeps messages as the server's default says`
        : p.seconds === 0
          ? `${room(before, p.roomId)} keeps its messages forever`
          : `${room(before, p.roomId)} keeps messages for ${keepFor(p.seconds as number)}; older ones are deleted`;
    case 'status.set':
      return p.text === null ? 'status text cleared' : `your status is now "${String(p.text)}"`;
    case 'role.create':
      return `role ${String(p.name)} created`;
    case 'role.delete':
      return `role ${role(before, p.roleId)} deleted`;
    case 'role.update':
      return `role ${role(before, p.roleId)} updated`;
    case 'role.grant':
      return `${nick(before, p.userId)} now has the role ${role(before, p.roleId)}`;
    case 'role.revoke':
      return `${nick(before, p.userId)} no longer has the role ${role(before, p.roleId)}`;
    case 'category.create':
      return `category ${String(p.name)} created`;
    case 'category.update':
      return `category ${category(before, p.categoryId)} renamed to ${String(p.name)}`;
    case 'category.delete':
      return `category ${category(before, p.categoryId)} deleted`;
    case 'member.kick':
      return `${nick(before, p.userId)} was removed from the server`;
    case 'member.ban':
      return `${nick(before, p.userId)} is banned`;
    case 'member.unban':
      return `${nick(before, p.userId)} is no longer banned`;
    case 'message.delete':
      return 'message deleted';
    case 'group.create':
      return `group chat ${String(p.name)} created`;
    case 'group.add':
      return `${nick(before, p.userId)} added to ${room(before, p.roomId)}`;
    case 'group.remove':
      return `${nick(before, p.userId)} removed from ${room(before, p.roomId)}`;
    case 'group.update':
      return p.topic !== undefined ? `topic of ${room(before, p.roomId)} set` : `${room(before, p.roomId)} renamed to ${String(p.name)}`;
    default:
      return 'done';
  }
}

/** The question a destructive command asks first (see CommandSpec.destructive). */
export function confirmQuestion(spec: CommandSpec, params: Record<string, unknown>, w: Names): string {
  switch (spec.request) {
    case 'room.delete':
      return `Delete ${room(w, params.roomId)} and all its messages?`;
    case 'role.delete':
      return `Delete the role ${role(w, params.roleId)}? Its members lose it.`;
    case 'member.ban':
      return `Ban ${nick(w, params.userId)}? They are removed and cannot come back until unbanned.`;
    case 'message.delete':
      return 'Delete the message? Its text is gone for everyone.';
    case 'room.retention':
      return typeof params.seconds === 'number' && params.seconds > 0
        ? `Keep messages in ${room(w, params.roomId)} for ${keepFor(params.seconds)}? Older ones are deleted for good.`
        : `Change how long ${room(w, params.roomId)} keeps its messages?`;
    default:
      return `Run /${spec.name}${spec.sub ? ' ' + spec.sub : ''}?`;
  }
}

/** A retention period in the largest whole unit that fits (7d, 2w), as `/room retention` takes it. */
export function keepFor(seconds: number): string {
  for (const [unit, n] of [['w', 604_800], ['d', 86_400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % n === 0) return `${seconds / n}${unit}`;
  }
  return `${seconds}s`;
}
