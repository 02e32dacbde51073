import type { RequestType } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import { DEFAULTS, type Rate } from '../defaults.js';
import { RateLimiter } from './rate-limit.js';

/**
 * The kinds of write, each with its own per-user token bucket, so that spending one (a burst of
 * reactions) never blocks another (sending a message). Grouped by what a write costs everyone else: a
 * message or reaction reaches a room, a profile change reaches every connection on the server, a read
 * marker only its own user.
 */
export const WRITE_KINDS = ['message', 'edit', 'reaction', 'membership', 'profile', 'rooms', 'moderation', 'markers', 'upload', 'other'] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];

/**
 * Which kind each write request is. A write request not listed (a feature added later) spends the
 * `other` bucket, never none.
 */
export const WRITE_KIND: Partial<Record<RequestType, WriteKind>> = {
  'message.send': 'message',
  'post.create': 'message',
  'message.edit': 'edit',
  'message.delete': 'edit',
  'post.edit': 'edit',
  'reaction.add': 'reaction',
  'reaction.remove': 'reaction',
  'room.join': 'membership',
  'voice.join': 'membership',
  'voice.leave': 'membership',
  'voice.set': 'membership',
  'room.part': 'membership',
  'dm.open': 'membership',
  'nick.set': 'profile',
  'color.set': 'profile',
  'status.set': 'profile',
  'highlight.set': 'profile',
  'presence.set': 'profile',
  'user.block': 'profile',
  'user.follow': 'profile',
  'user.unfollow': 'profile',
  'profile.set': 'profile',
  'twofa.setup': 'profile',
  'twofa.enable': 'profile',
  'twofa.disable': 'profile',
  'sessions.revoke': 'profile',
  'sessions.revokeOthers': 'profile',
  'apppassword.create': 'profile',
  'apppassword.revoke': 'profile',
  'password.change': 'profile',
  'account.delete': 'profile',
  'room.create': 'rooms',
  'room.update': 'rooms',
  'room.restrict': 'rooms',
  'room.open': 'rooms',
  'room.delete': 'rooms',
  'room.move': 'rooms',
  'category.create': 'rooms',
  'category.update': 'rooms',
  'category.delete': 'rooms',
  'group.create': 'rooms',
  'group.add': 'rooms',
  'group.remove': 'rooms',
  'group.update': 'rooms',
  'group.admin': 'rooms',
  'group.transfer': 'rooms',
  'room.retention': 'rooms',
  'member.kick': 'moderation',
  'member.ban': 'moderation',
  'member.unban': 'moderation',
  'room.slowmode': 'moderation',
  'post.moderate': 'moderation',
  'twofa.require': 'moderation',
  'twofa.unrequire': 'moderation',
  'role.create': 'moderation',
  'role.update': 'moderation',
  'role.delete': 'moderation',
  'role.grant': 'moderation',
  'role.revoke': 'moderation',
  'invite.create': 'moderation',
  'invite.revoke': 'moderation',
  'read.mark': 'markers',
  'read.unmark': 'markers',
  'thread.read': 'markers',
  'thread.follow': 'markers',
  'thread.unfollow': 'markers',
  'room.settings': 'markers',
  'notify.defaults': 'markers',
  'bookmark.add': 'markers',
  'bookmark.remove': 'markers',
  'inbox.read': 'markers',
  'inbox.settings': 'markers',
};

export const writeKindOf = (type: RequestType): WriteKind => WRITE_KIND[type] ?? 'other';

/** What a refusal says, by kind: the person reading it learns which of their actions was too fast. */
const WHAT: Record<WriteKind, string> = {
  message: 'messages',
  edit: 'edits and deletions',
  reaction: 'reactions',
  membership: 'joins and parts',
  profile: 'profile changes',
  rooms: 'room changes',
  moderation: 'moderation actions',
  markers: 'read markers and room settings',
  upload: 'uploads',
  other: 'writes',
};

/**
 * One token bucket per kind of write and user. Keyed by user id, so every connection of a user (several
 * terminals, a bot's pool of sockets) spends the same buckets; the clock is injected.
 */
export class WriteLimits {
  private readonly buckets = new Map<WriteKind, RateLimiter>();

  constructor(rates: Readonly<Record<WriteKind, Rate | null>>, now: () => number) {
    for (const kind of WRITE_KINDS) {
      const r = rates[kind];
      if (r) this.buckets.set(kind, new RateLimiter(r.perSec, r.burst, now));
    }
  }

  /** Spend one token of the user's bucket for this kind; 0 when allowed, else ms until one is there. */
  take(userId: string, kind: WriteKind): number {
    return this.buckets.get(kind)?.take(userId) ?? 0;
  }

  /** Spend one, or refuse with RATE_LIMITED, saying which kind and when to retry. */
  spend(userId: string, kind: WriteKind): void {
    const wait = this.take(userId, kind);
    if (wait > 0) throw new ProtocolError('RATE_LIMITED', `too many ${WHAT[kind]}; slow down`, wait);
  }
}

/**
 * The rates in force: the defaults, then `overrides` per kind (null turns a kind off). `overrides` null
 * turns every kind off.
 */
export function writeRates(overrides: Partial<Record<WriteKind, Rate | null>> | null | undefined): Record<WriteKind, Rate | null> {
  const out = { ...DEFAULTS.writeRates };
  for (const kind of WRITE_KINDS) {
    if (overrides === null) out[kind] = null;
    else if (overrides && overrides[kind] !== undefined) out[kind] = overrides[kind]!;
  }
  return out;
}
