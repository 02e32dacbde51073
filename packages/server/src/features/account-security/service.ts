import type { AccountExport, AppPasswordInfo, MessageFate, SessionInfo } from '@open-discord/protocol';
import { DEFAULTS } from '../../defaults.js';
import { deleteAccount, type DeletionOptions } from './deletion.js';
import { messageToWire } from '../messages/wire.js';
import { ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import { RateLimiter } from '../../core/rate-limit.js';
import type { AuthService } from '../accounts/service.js';
import { badCode, codeRequired } from '../accounts/service.js';
import type { UserRow } from '../accounts/repository.js';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.js';
import { spendSecondFactor } from './second-factor.js';
import { openSecret, sealSecret, totpSealKey } from './sealed-secret.js';
import { matchingStep, newTotpSecret, totpUri } from './totp.js';
import { AppPasswords } from './app-passwords.js';
import { type GatewayLogin, verifyGatewayLogin } from './gateway-login.js';

/** The name authenticator apps show above the code. */
export const TOTP_ISSUER = 'open_discord';

const wrongPassword = () => new ProtocolError('UNAUTHORIZED', 'wrong password');
const changedMeanwhile = () => new ProtocolError('CONFLICT', 'your account changed meanwhile; try again');
const noSession = () => new ProtocolError('NOT_FOUND', 'no such session');
/** Writes a holder of a role that requires two-factor login may still make: turning it on, their own account. */
const OPEN_WHILE_REQUIRED: ReadonlySet<string> = new Set([
  'twofa.setup',
  'twofa.enable',
  'twofa.disable',
  'sessions.revoke',
  'sessions.revokeOthers',
  'apppassword.revoke',
  'password.change',
  'account.delete',
  'presence.set',
  'read.mark',
  'read.unmark',
]);

/**
 * Account safety for a logged-in user: two-factor enrolment and removal, the session list and revocation,
 * password change. Everything that takes a password or a code spends the same per-account rate budget as a
 * login (AuthService.limited), so guessing over the socket is no cheaper than guessing at the login form.
 */
export class AccountSecurityService {
  /** Roles that require two-factor login, kept in memory: the gate asks on every write. Null until loaded. */
  private requiredRoles: Promise<ReadonlySet<string>> | null = null;
  private readonly key: Buffer;
  /** An export walks everything a user wrote: a few in a row, then one a minute, so it cannot hog the server. */
  private readonly exports: RateLimiter;
  /** Per-client secrets for the IRC gateway; `appPasswords.onRevoked` is the gateway's hook. */
  readonly appPasswords: AppPasswords;

  constructor(
    private readonly d: ServiceDeps,
    private readonly auth: AuthService,
    serverSecret: Buffer,
    private readonly deletion: DeletionOptions = DEFAULTS.accountDeletion,
    private readonly blobs: { remove(sha256: string): Promise<unknown> } | null = null,
  ) {
    this.key = totpSealKey(serverSecret);
    this.exports = new RateLimiter(1 / 60, 3, d.now);
    this.appPasswords = new AppPasswords(d);
  }

  /**
   * THE login check of gateway clients (the IRC gateway's SASL PLAIN and PASS): an app password always, the
   * account password only while two-factor login is off (else refused as `app-password-required`), spending
   * the login form's rate budget. Answers the user id (and the app password used) or a typed refusal.
   */
  verifyGatewayLogin(username: string, secret: string, ip: string): Promise<GatewayLogin> {
    return verifyGatewayLogin(this.d, this.auth, username, secret, ip);
  }

  private required(): Promise<ReadonlySet<string>> {
    this.requiredRoles ??= Promise.resolve(this.d.store.accountSecurity.requiredRoles());
    return this.requiredRoles;
  }

  /**
   * Refuse a write by a holder of a role that requires two-factor login while theirs is off. What turns it on
   * (and the account's own management) stays open, and so do reads: they can still see what is going on.
   */
  async gate(userId: string, type: string, write: boolean): Promise<void> {
    if (!write || OPEN_WHILE_REQUIRED.has(type)) return;
    const required = await this.required();
    if (required.size === 0) return;
    const held = [...(await this.d.access.view()).rolesOf(userId)].filter((r) => required.has(r));
    if (held.length === 0) return;
    if ((await this.d.store.accountSecurity.twoFactor(userId))?.enabled) return;
    const names = await Promise.all(held.map(async (r) => (await this.d.store.roles.get(r))?.name ?? r));
    throw new ProtocolError('FORBIDDEN', `your role ${names.join(', ')} requires two-factor login: turn it on with /2fa enable first`);
  }

  /** Owner only: holders of `roleId` must have two-factor login (or, with `on` false, no longer). */
  async require(actorId: string, roleId: string, on: boolean): Promise<{ ok: true }> {
    if (!(await this.d.access.view()).isOwner(actorId)) throw new ProtocolError('FORBIDDEN', 'only the owner can require two-factor login for a role');
    await this.d.queue.submit(async () => {
      if (!(await this.d.store.roles.get(roleId))) throw new ProtocolError('NOT_FOUND', 'no such role');
      await this.d.store.accountSecurity.setRoleRequired(roleId, on);
    });
    this.requiredRoles = null;
    this.d.log({ level: 'info', msg: on ? 'two-factor required for role' : 'two-factor no longer required for role', roleId, actorId });
    return { ok: true };
  }

  private async user(userId: string): Promise<UserRow> {
    const u = await this.d.store.users.byId(userId);
    if (!u || u.removed) throw new ProtocolError('UNAUTHORIZED', 'not logged in');
    return u;
  }

  /** Spend from the account's login budget; the socket has no address of its own here, so the user stands in. */
  private guarded<T>(user: UserRow, attempt: () => Promise<T>): Promise<T> {
    return this.auth.limited(`user:${user.id}`, user.username, attempt);
  }

  async status(userId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number; requiredRoles: string[]; required: boolean }> {
    const tf = await this.d.store.accountSecurity.twoFactor(userId);
    const enabled = tf?.enabled ?? false;
    // A deleted role's requirement is left behind in storage; it binds no one, so it is not shown.
    const requiredRoles: string[] = [];
    for (const r of [...(await this.required())].sort()) if (await this.d.store.roles.get(r)) requiredRoles.push(r);
    const mine = (await this.d.access.view()).rolesOf(userId);
    return {
      enabled,
      recoveryCodesLeft: enabled ? await this.d.store.accountSecurity.recoveryCodesLeft(userId) : 0,
      requiredRoles,
      required: requiredRoles.some((r) => mine.has(r)),
    };
  }

  async setup(userId: string): Promise<{ secret: string; uri: string }> {
    const user = await this.user(userId);
    const secret = newTotpSecret();
    await this.d.queue.submit(async (w) => {
      if ((await this.d.store.accountSecurity.twoFactor(userId))?.enabled) {
        throw new ProtocolError('CONFLICT', 'two-factor login is already on; turn it off first');
      }
      await this.d.store.accountSecurity.setPending(userId, sealSecret(this.key, secret), w.now);
    });
    return { secret, uri: totpUri(secret, TOTP_ISSUER, user.username) };
  }

  enable(userId: string, p: { code: string }): Promise<{ recoveryCodes: string[] }> {
    return this.user(userId).then((user) => this.guarded(user, () => this.enableNow(userId, p.code)));
  }

  private async enableNow(userId: string, code: string): Promise<{ recoveryCodes: string[] }> {
    const recoveryCodes = newRecoveryCodes();
    const hashes = recoveryCodes.map(recoveryCodeHash);
    await this.d.queue.submit(async (w) => {
      const tf = await this.d.store.accountSecurity.twoFactor(userId);
      if (!tf) throw new ProtocolError('BAD_REQUEST', 'start with twofa.setup');
      if (tf.enabled) throw new ProtocolError('CONFLICT', 'two-factor login is already on');
      const secret = openSecret(this.key, tf.secret);
      const step = secret === null ? null : matchingStep(secret, code.replace(/\s/g, ''), w.now);
      // The step that proved enrolment counts as used: the same code cannot then log in.
      if (step === null) throw badCode();
      await this.d.store.accountSecurity.enable(userId, step, hashes);
    });
    this.d.log({ level: 'info', msg: 'two-factor enabled', userId });
    return { recoveryCodes };
  }

  disable(userId: string, p: { password: string; code: string }): Promise<{ ok: true }> {
    return this.user(userId).then((user) =>
      this.guarded(user, async () => {
        if (!(await this.auth.passwordMatches(user, p.password))) throw wrongPassword();
        await this.d.queue.submit(async (w) => {
          const current = await this.user(userId);
          if (current.passwordHash !== user.passwordHash) throw changedMeanwhile();
          const tf = await this.d.store.accountSecurity.twoFactor(userId);
          if (!tf?.enabled) throw new ProtocolError('CONFLICT', 'two-factor login is not on');
          if (!(await spendSecondFactor(this.d.store, tf, p.code, w.now, this.key))) throw badCode();
          await this.d.store.accountSecurity.disable(userId);
        });
        this.d.log({ level: 'info', msg: 'two-factor disabled', userId });
        return { ok: true as const };
      }),
    );
  }

  /**
   * Everything the server holds about the user that they may still see: their profile, the live messages
   * they wrote in rooms they can see (DMs and groups included), the reactions they gave there, and the files
   * they can fetch. A room hidden from them now (a restriction, a group they left) contributes nothing, not
   * even their own old messages: the export shows what they could read anyway, never more.
   */
  async exportData(userId: string): Promise<AccountExport> {
    const wait = this.exports.take(userId);
    if (wait > 0) throw new ProtocolError('RATE_LIMITED', 'an export was made just now; try again later', wait);
    const { store } = this.d;
    const user = await this.user(userId);
    const view = await this.d.access.view();
    const rooms = new Map<string, AccountExport['rooms'][number]>();
    const nickOf = async (id: string) => ({ id, nickname: (await store.users.byId(id))?.nickname ?? id });
    const visibleRoom = async (roomId: string): Promise<boolean> => {
      if (rooms.has(roomId)) return true;
      const room = await store.rooms.get(roomId);
      if (!room || room.deleted || !view.canSeeRoom(userId, roomId)) return false;
      const member = view.isMember(userId, roomId);
      const entry: AccountExport['rooms'][number] = { id: room.id, name: room.name, kind: room.kind, topic: room.topic, member };
      // A conversation is named by who is in it; those are people the user talks with, shown to them anyway.
      if (room.kind === 'dm' || room.kind === 'group') {
        entry.with = await Promise.all((await store.rooms.members(roomId)).filter((m) => m !== userId).map(nickOf));
      }
      rooms.set(roomId, entry);
      return true;
    };
    // The rooms they are in first (joined rooms, DMs, groups), then those their messages are in.
    for (const roomId of await store.rooms.roomsOf(userId)) await visibleRoom(roomId);
    const messages: AccountExport['messages'] = [];
    for (const id of await store.accountSecurity.authoredMessageIds(userId)) {
      const row = await store.messages.get(id);
      if (row && !row.deleted && (await visibleRoom(row.roomId))) messages.push(messageToWire(row));
    }
    const reactions: AccountExport['reactions'] = [];
    for (const r of await store.accountSecurity.reactionsBy(userId)) {
      const row = await store.messages.get(r.messageId);
      if (row && !row.deleted && (await visibleRoom(row.roomId))) reactions.push({ ...r, roomId: row.roomId });
    }
    // The same rule as fetching a file: not sent yet (then only its uploader), or carried by a visible live message.
    const files: AccountExport['files'] = [];
    for (const f of await store.accountSecurity.filesBy(userId)) {
      const refs = await store.files.references(f.id);
      if (!refs.referenced || refs.liveRooms.some((r) => view.canSeeRoom(userId, r))) {
        files.push({ id: f.id, name: f.name, size: f.size, mime: f.mime, createdAt: f.createdAt });
      }
    }
    const tf = await store.accountSecurity.twoFactor(userId);
    const profile = await store.forum.profile(userId);
    const seenRooms = [...view.allRooms()].filter((r) => !r.deleted && view.canSeeRoom(userId, r.id)).map((r) => r.id);
    const bookmarks = (await store.forum.bookmarks(userId, seenRooms)).map((p) => ({ postId: p.id, roomId: p.roomId, title: p.title }));
    const following = await Promise.all((await store.forum.following(userId)).map(nickOf));
    const followers = await Promise.all((await store.forum.followers(userId)).map(nickOf));
    // Who took a copy of an account's data is worth knowing (a stolen session's first move): audited. Written
    // before the archive is handed over, so there is no export without its entry.
    await this.d.queue.submit((w) =>
      w.audit({ actorId: userId, action: 'data.export', targetUserId: userId, roomId: null, detail: { messages: messages.length, files: files.length } }),
    );
    this.d.log({ level: 'info', msg: 'data export', userId, messages: messages.length, files: files.length });
    return {
      exportedAt: this.d.now(),
      user: {
        id: user.id,
        username: user.username,
        nickname: user.nickname,
        color: user.color,
        statusText: user.statusText,
        createdAt: user.createdAt,
        roles: await store.roles.rolesOf(user.id),
        highlights: user.highlights,
        twoFactor: tf?.enabled ?? false,
      },
      profile: { bio: profile.bio, avatarFileId: profile.avatarFileId, showFollows: profile.showFollows },
      rooms: [...rooms.values()],
      bookmarks,
      following,
      followers,
      messages,
      reactions,
      files,
    };
  }

  /** Delete the asking account for good (deletion.ts). */
  deleteAccount(userId: string, p: { password: string; code?: string | undefined; messages?: MessageFate | undefined }): Promise<{ ok: true; messages: MessageFate }> {
    return deleteAccount(this.d, this.auth, this.key, this.deletion, userId, p, (sha) => this.blobs?.remove(sha) ?? Promise.resolve());
  }

  async sessions(userId: string, family: string | null): Promise<{ sessions: SessionInfo[]; appPasswords: AppPasswordInfo[] }> {
    const rows = await this.d.store.accountSecurity.liveSessions(userId, this.d.now());
    return {
      ...(await this.appPasswords.list(userId)),
      sessions: rows.map((r) => ({
        id: r.familyId,
        client: r.client,
        address: r.address,
        firstSeen: r.firstSeen,
        lastSeen: r.lastSeen,
        current: r.familyId === family,
      })),
    };
  }

  async revoke(userId: string, p: { sessionId: string }): Promise<{ ok: true }> {
    await this.d.queue.submit(async (w) => {
      const live = await this.d.store.accountSecurity.liveSessions(userId, w.now);
      // Another user's session (or a made-up id) is "no such session": ids are not confirmed to strangers.
      if (!live.some((s) => s.familyId === p.sessionId)) throw noSession();
      await this.auth.revokeFamiliesIn([p.sessionId], w.afterCommit);
    });
    return { ok: true };
  }

  /** Every other session ends, and every app password: each is a way into the account from elsewhere. */
  async revokeOthers(userId: string, family: string | null): Promise<{ revoked: number }> {
    return await this.d.queue.submit(async (w) => {
      const others = (await this.d.store.accountSecurity.liveSessions(userId, w.now))
        .map((s) => s.familyId)
        .filter((f) => f !== family);
      await this.auth.revokeFamiliesIn(others, w.afterCommit);
      const apps = await this.appPasswords.revokeAllIn(w, userId);
      return { revoked: others.length + apps };
    });
  }

  changePassword(userId: string, family: string | null, p: { current: string; password: string; code?: string | undefined }): Promise<{ ok: true }> {
    return this.user(userId).then((user) =>
      this.guarded(user, async () => {
        if (!(await this.auth.passwordMatches(user, p.current))) throw wrongPassword();
        const enabled = (await this.d.store.accountSecurity.twoFactor(userId))?.enabled ?? false;
        // Refused before the slow hash when the code is plainly missing; judged for real inside the write.
        if (enabled && p.code === undefined) throw codeRequired();
        const hash = await this.auth.hashPassword(p.password);
        const revoked = await this.d.queue.submit(async (w) => {
          const current = await this.user(userId);
          if (current.passwordHash !== user.passwordHash || current.tokenVersion !== user.tokenVersion) throw changedMeanwhile();
          const tf = await this.d.store.accountSecurity.twoFactor(userId);
          if (tf?.enabled) {
            if (p.code === undefined) throw codeRequired();
            if (!(await spendSecondFactor(this.d.store, tf, p.code, w.now, this.key))) throw badCode();
          }
          await this.d.store.users.setPassword(userId, hash);
          // Every other session ends: whoever else knew the old password is logged out. This one stays.
          const others = (await this.d.store.accountSecurity.liveSessions(userId, w.now))
            .map((s) => s.familyId)
            .filter((f) => f !== family);
          await this.auth.revokeFamiliesIn(others, w.afterCommit);
          // App passwords were made under the old password: whoever made one may be who the change shuts out.
          return others.length + (await this.appPasswords.revokeAllIn(w, userId));
        });
        this.d.log({ level: 'info', msg: 'password changed', userId, revoked });
        return { ok: true as const };
      }),
    );
  }
}
