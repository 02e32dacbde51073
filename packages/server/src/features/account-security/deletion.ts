import { createHash } from 'node:crypto';
import type { MessageFate } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import type { AuthService } from '../accounts/service.js';
import { badCode, codeRequired } from '../accounts/service.js';
import { nicknameKey } from '../accounts/nickname-key.js';
import { publicUser } from '../accounts/users.js';
import { OWNER_ROLE } from '../roles/repository.js';
import { spendSecondFactor } from './second-factor.js';

/** What the server owner chose for account deletion (`od-server start --deleted-messages … --name-hold …`). */
export interface DeletionOptions {
  /** What happens to the messages of a user who does not choose: erased, or kept under "deleted user". */
  defaultMessages: MessageFate;
  /** How long nobody may sign up with or take the deleted account's username and nickname, in seconds. */
  nameHoldSec: number;
}

/**
 * A held name is stored as a hash of its uniqueness key, so the hold does not keep the name itself around
 * (the deletion is meant to forget it). `u:` and `n:` keep usernames and nicknames apart.
 */
export const nameHoldHash = (kind: 'username' | 'nickname', name: string): string =>
  createHash('sha256')
    .update(`${kind === 'username' ? 'u' : 'n'}:${kind === 'username' ? name.trim().toLowerCase() : nicknameKey(name)}`)
    .digest('hex');

/** Refuse a name a deleted account still holds (sign-up and nick.set ask). */
export async function refuseHeldName(d: ServiceDeps, kind: 'username' | 'nickname', name: string, now: number): Promise<void> {
  if (await d.store.accountSecurity.nameHeld(nameHoldHash(kind, name), now)) {
    throw new ProtocolError('CONFLICT', kind === 'username' ? 'that username is taken' : 'that nickname is taken');
  }
}

/**
 * Deleting one's own account: the password (and a code with two-factor login) first, outside the write; then,
 * in one write, everything the user left behind goes (see AccountSecurityRepository.eraseAccount) and the
 * row becomes "deleted-user-…" with its old names held. Others see it as events: each erased message is
 * `message.deleted`, each reaction `reaction.removed`, each DM `room.deleted`, the name `user.updated`, and
 * last `user.removed` (reason deleted), whose publication closes the user's sockets.
 */
export async function deleteAccount(
  d: ServiceDeps,
  auth: AuthService,
  totpKey: Buffer,
  o: DeletionOptions,
  userId: string,
  p: { password: string; code?: string | undefined; messages?: MessageFate | undefined },
  removeBlob: (sha256: string) => Promise<unknown>,
): Promise<{ ok: true; messages: MessageFate }> {
  const user = await d.store.users.byId(userId);
  if (!user || user.removed) throw new ProtocolError('UNAUTHORIZED', 'not logged in');
  const fate = p.messages ?? o.defaultMessages;
  await auth.limited(`user:${user.id}`, user.username, async () => {
    if (!(await auth.passwordMatches(user, p.password))) throw new ProtocolError('UNAUTHORIZED', 'wrong password');
    const enabled = (await d.store.accountSecurity.twoFactor(userId))?.enabled ?? false;
    if (enabled && p.code === undefined) throw codeRequired();
    return await d.queue.submit(async (w) => {
      const current = await d.store.users.byId(userId);
      if (!current || current.removed || current.passwordHash !== user.passwordHash || current.tokenVersion !== user.tokenVersion) {
        throw new ProtocolError('CONFLICT', 'your account changed meanwhile; try again');
      }
      const view = await d.access.view();
      if (view.isOwner(userId)) {
        const owners = (await d.store.roles.holders(OWNER_ROLE)).filter((id) => id !== userId);
        if (owners.length === 0) {
          throw new ProtocolError('FORBIDDEN', 'you are the only owner: make someone else owner first (od-server role grant)');
        }
      }
      const tf = await d.store.accountSecurity.twoFactor(userId);
      if (tf?.enabled) {
        if (p.code === undefined) throw codeRequired();
        if (!(await spendSecondFactor(d.store, tf, p.code, w.now, totpKey))) throw badCode();
      }
      const plan = await d.store.accountSecurity.erasePlan(userId);
      const tag = userId.replace(/[^0-9a-z]/gi, '').slice(-8).toLowerCase();
      const nickname = `deleted-user-${tag}`;
      const { blobs } = await d.store.accountSecurity.eraseAccount(userId, {
        eraseMessages: fate === 'erase' ? plan.messages : [],
        dmRooms: plan.dmRooms,
        username: `deleted-${userId}`,
        nickname,
        nicknameKey: nicknameKey(nickname),
        holds: [nameHoldHash('username', user.username), nameHoldHash('nickname', user.nickname)],
        holdUntil: w.now + o.nameHoldSec * 1000,
        now: w.now,
      });
      if (fate === 'erase') {
        for (const m of plan.messages) w.emit({ type: 'message.deleted', roomId: m.roomId, actorId: userId }, { messageId: m.id, roomId: m.roomId });
      }
      // A reaction on an erased message went with it (its message.deleted says so).
      const erased = new Set(fate === 'erase' ? plan.messages.map((m) => m.id) : []);
      for (const r of plan.reactions) {
        if (erased.has(r.messageId)) continue;
        w.emit({ type: 'reaction.removed', roomId: r.roomId, actorId: userId }, { messageId: r.messageId, roomId: r.roomId, emoji: r.emoji, userId });
      }
      for (const roomId of plan.dmRooms) w.emit({ type: 'room.deleted', roomId, actorId: userId }, { roomId });
      // Their memberships went with the account: the rooms' members see them leave, and a group they owned
      // goes on to its longest-standing admin, else member (as when an owner leaves: conversations/service.ts).
      for (const j of plan.joined) {
        w.emit({ type: 'room.left', roomId: j.roomId, actorId: userId }, { roomId: j.roomId, userId });
        if (!j.owner) continue;
        const heir = await d.store.conversations.successor(j.roomId);
        const row = await d.store.rooms.get(j.roomId);
        if (heir === null || !row) continue;
        await d.store.conversations.setOwner(j.roomId, heir);
        await d.store.conversations.setAdmin(j.roomId, heir, true);
        w.emit({ type: 'room.updated', roomId: j.roomId, actorId: userId }, { room: await d.store.rooms.toWire({ ...row, createdBy: heir }) });
      }
      const renamed = (await d.store.users.byId(userId))!;
      w.emit({ type: 'user.updated', roomId: null, actorId: userId }, { user: await publicUser(d.store, renamed) });
      w.emit({ type: 'user.removed', roomId: null, actorId: userId }, { userId, reason: 'deleted' });
      await w.audit({ actorId: userId, action: 'account.delete', targetUserId: userId, roomId: null, detail: { messages: fate } });
      // Files on disk go after the commit (no slow work in the write), and the write-ahead log is folded back
      // so no old page image of a deleted row stays in it. Not awaited: the reply goes out first (the
      // user's sockets close right after it).
      w.afterCommit(() => {
        void Promise.all(blobs.map((sha) => removeBlob(sha)))
          .then(() => d.store.retention.scrub())
          .then((scrubbed) => d.log({ level: 'info', msg: 'account deletion cleaned up', userId, scrubbed }))
          .catch((error: unknown) => d.log({ level: 'error', msg: 'account deletion cleanup failed', userId, error: String(error) }));
      });
    });
  });
  d.log({ level: 'info', msg: 'account deleted', userId, messages: fate });
  return { ok: true, messages: fate };
}
