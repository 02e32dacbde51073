import { z } from 'zod';
import { GROUP_MEMBERS_MAX, LIMITS } from '../limits.js';
import { Id, Room } from '../model.js';
import { textProblem } from '../text.js';
import { Ok, req } from './request.js';
import { name, rule } from './text-fields.js';

// Direct and group chats: rooms of kind `dm` and `group` that only their members see (the server's owner
// included). They write no events of their own: a chat is made with `room.created`, renamed with
// `room.updated`, and its members change with `room.updated` (the new member list) plus `room.joined` /
// `room.left`; whoever gains or loses the chat also gets `access.changed`.

const groupName = name(LIMITS.roomNameMax);
const topic = z.string().max(LIMITS.topicMax).superRefine(rule(textProblem));

export const requests = {
  /**
   * Open the direct chat with a user: one room per pair, so opening it again (from either side) answers
   * the same room and writes nothing. The other user receives its `room.created` too.
   */
  'dm.open': req({ userId: Id }, z.object({ room: Room })),
  /** A group chat of its creator and these users. */
  'group.create': req({ name: groupName, userIds: z.array(Id).max(GROUP_MEMBERS_MAX - 1) }, z.object({ room: Room })),
  /** Add a member (the group's admins). */
  'group.add': req({ roomId: Id, userId: Id }, z.object({ room: Room })),
  /**
   * Remove a member (the group's admins; only its owner removes another admin, and no one removes the
   * owner), or leave (anyone, their own id): the chat vanishes for them. An owner who leaves hands it on.
   */
  'group.remove': req({ roomId: Id, userId: Id }, Ok),
  /** Rename the group or set its topic (the group's admins). */
  'group.update': req({ roomId: Id, name: groupName.optional(), topic: topic.optional() }, z.object({ room: Room })),
  /** Make a member an admin of the group, or not (the group's owner only: its creator until handed on). */
  'group.admin': req({ roomId: Id, userId: Id, admin: z.boolean() }, z.object({ room: Room })),
  /**
   * Hand the group to another member (its owner only): they become its owner and an admin; the former owner
   * stays an admin. An owner who leaves hands it on by themself (to the longest-standing admin, else member).
   */
  'group.transfer': req({ roomId: Id, userId: Id }, z.object({ room: Room })),
} as const;
