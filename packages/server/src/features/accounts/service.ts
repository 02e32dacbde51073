import { refuseHeldName } from '../account-security/deletion.js';
import type { LoginBody, Me, ResetPasswordBody, SignupBody, TokenPair } from '@open-discord/protocol';
import type { MembershipService } from '../membership/service.js';
import { NICKNAME_RE, ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import type { Repositories } from '../../ports/storage.js';
import { RateLimiter } from '../../core/rate-limit.js';
import { OWNER_ROLE } from '../roles/repository.js';
import { PasswordHasher } from './passwords.js';
import { newCode, newOpaqueToken, sha256, signAccessToken, verifyAccessToken } from './tokens.js';
import { checkNickname } from './nicknames.js';
import type { InviteRow, UserRow } from './repository.js';
import { generatedNickname, meOf, publicUser } from './users.js';
import { spendSecondFactor } from '../account-security/second-factor.js';
import { totpSealKey } from '../account-security/sealed-secret.js';

export type Registration = 'invite' | 'open' | 'closed';

export interface AuthOptions {
  secret: Buffer;
  registration: Registration;
  bcryptCost: number;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  /** Per-address and per-username buckets for login/signup; null disables them. */
  authRate: { perSec: number; burst: number } | null;
}

export interface Authenticated {
  user: UserRow;
  me: Me;
  /** When the access token expires (epoch ms): a socket is not served past it. */
  expiresAtMs: number;
  /** The session family the token belongs to (null for tokens issued before families were recorded). */
  family: string | null;
}

const DAY_MS = 86_400_000;
const badCredentials = () => new ProtocolError('UNAUTHORIZED', 'invalid username or password');
/** Still the account whose password was verified: present, not removed, same password and token version. */
const unchangedSince = (verified: UserRow, current: UserRow) =>
  !current.removed && current.passwordHash === verified.passwordHash && current.tokenVersion === verified.tokenVersion;
const tooMany = (waitMs: number) => new ProtocolError('RATE_LIMITED', 'too many attempts; slow down', waitMs);
/** Failures that spend from the username's bucket: wrong passwords, codes and invites, taken names. */
const COUNTED_FAILURES: ReadonlySet<string> = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'CONFLICT']);
const nicknameTaken = () => new ProtocolError('CONFLICT', 'that nickname is taken');
const badRefresh = () => new ProtocolError('UNAUTHORIZED', 'invalid or expired refresh token');
export const codeRequired = () => new ProtocolError('CODE_REQUIRED', 'this account needs a two-factor code');
export const badCode = () => new ProtocolError('UNAUTHORIZED', 'invalid two-factor code');
/** What a new session says about itself (shown in the user's session list). */
interface SessionOrigin {
  client: string;
  address: string;
}

/**
 * Accounts: signup (invites, registration modes), login, refresh-token rotation with reuse detection,
 * logout, logout-all, password reset, and access-token verification for the WebSocket.
 */
export class AuthService {
  private readonly byIp: RateLimiter | null;
  private readonly byName: RateLimiter | null;
  private readonly passwords: PasswordHasher;
  /** Compared against when the user does not exist, so both failures cost the same. */
  private readonly dummyHash: Promise<string>;
  /** The key TOTP secrets are sealed with (account-security/sealed-secret.ts). */
  private readonly totpKey: Buffer;
  /** Hooks run after a user's sessions were revoked (the session layer closes their sockets). */
  onSessionsRevoked: (userId: string) => void = () => {};
  /** Hooks run after one session family was revoked (logout, refresh-token reuse): close its sockets. */
  onFamilyRevoked: (familyId: string) => void = () => {};

  constructor(
    private readonly d: ServiceDeps,
    private readonly o: AuthOptions,
    private readonly membership: MembershipService,
  ) {
    this.byIp = o.authRate ? new RateLimiter(o.authRate.perSec, o.authRate.burst, d.now) : null;
    // Usernames are guessed more slowly than addresses rotate: a tighter bucket per account.
    this.byName = o.authRate ? new RateLimiter(o.authRate.perSec / 5, Math.max(5, o.authRate.burst / 5), d.now) : null;
    this.passwords = new PasswordHasher(o.bcryptCost);
    this.totpKey = totpSealKey(o.secret);
    this.dummyHash = this.passwords.hash(newOpaqueToken());
    this.dummyHash.catch(() => {}); // a failure surfaces on first use
  }

  /**
   * Every attempt spends from its address's bucket. The username's bucket is spent only by attempts that
   * fail: otherwise anyone could keep an account rate-limited (locked out) by attempting to log in as it,
   * even though its owner knows the password. The token is taken up front (so a burst of concurrent
   * guesses cannot all pass an almost-empty bucket) and given back when the attempt succeeds.
   */
  async limited<T>(ip: string, username: string, attempt: () => Promise<T>): Promise<T> {
    const ipWait = this.byIp?.take(`ip:${ip}`) ?? 0;
    if (ipWait > 0) throw tooMany(ipWait);
    const key = `u:${username}`;
    const nameWait = this.byName?.take(key) ?? 0;
    if (nameWait > 0) throw tooMany(nameWait);
    try {
      const result = await attempt();
      this.byName?.refund(key);
      return result;
    } catch (error) {
      if (!(error instanceof ProtocolError && COUNTED_FAILURES.has(error.code))) this.byName?.refund(key);
      throw error;
    }
  }

  /**
   * May this signup join, judged by registration mode and invite? The invite row when one was given.
   * Cheap, so it runs before the password is hashed; run again inside the write, where it counts.
   */
  private async admission(invite: string | undefined, now: number): Promise<InviteRow | null> {
    const { store } = this.d;
    const bootstrap = await store.users.count() === 0;
    if (invite !== undefined && invite !== '') {
      const inv = await store.credentials.invite(invite.trim().toUpperCase());
      if (!inv || inv.usesLeft <= 0 || (inv.expiresAt !== null && inv.expiresAt <= now)) {
        throw new ProtocolError('FORBIDDEN', 'invalid or expired invite code');
      }
      // The owner invite only works while the server has no users; it cannot mint a second owner later.
      if (inv.roleId === OWNER_ROLE && !bootstrap) throw new ProtocolError('FORBIDDEN', 'invalid or expired invite code');
      if (this.o.registration === 'closed' && !bootstrap) throw new ProtocolError('FORBIDDEN', 'registration is closed');
      return inv;
    }
    if (this.o.registration === 'closed') throw new ProtocolError('FORBIDDEN', 'registration is closed');
    if (this.o.registration === 'invite') throw new ProtocolError('FORBIDDEN', 'an invite code is required to sign up');
    return null;
  }

  /** The user a reset code is for, if it is valid for `username` now; cheap, like `admission`. */
  private async resetTarget(username: string, code: string, now: number): Promise<UserRow & { clearsTwoFactor: boolean }> {
    const user = await this.d.store.users.byUsername(username);
    const row = await this.d.store.credentials.resetCode(sha256(code.trim().toUpperCase()));
    if (!user || !row || row.used || row.expiresAt <= now || row.userId !== user.id) {
      throw new ProtocolError('UNAUTHORIZED', 'invalid or expired reset code');
    }
    return { ...user, clearsTwoFactor: row.clearsTwoFactor };
  }

  /**
   * Would this invite admit a sign-up now? The same judgement as sign-up's, so a form can say so right after
   * the field. Guessing codes this way costs what guessing them by signing up costs: the address's bucket.
   */
  async checkInvite(invite: string, ip: string): Promise<{ ok: true }> {
    const wait = this.byIp?.take(`ip:${ip}`) ?? 0;
    if (wait > 0) throw tooMany(wait);
    await this.admission(invite, this.d.now());
    return { ok: true };
  }

  signup(body: SignupBody, ip: string): Promise<TokenPair> {
    const origin = { client: body.client?.trim() || 'unknown', address: ip };
    return this.limited(ip, body.username, () => this.signupNow(body, origin));
  }

  private async signupNow(body: SignupBody, origin: SessionOrigin): Promise<TokenPair> {
    // The same validation as nick.set (checkNickname normalises first, then tests the characters).
    const wantedNick = body.nickname === undefined ? undefined : checkNickname(body.nickname);
    const { d } = this;
    // Refuse what needs no password work (closed registration, a bad invite, a taken nickname) before hashing.
    await this.admission(body.invite, d.now());
    // A deleted account's names stay held for a while (account-security/deletion.ts).
    await refuseHeldName(d, 'username', body.username, d.now());
    if (wantedNick !== undefined) await refuseHeldName(d, 'nickname', wantedNick, d.now());
    if (wantedNick !== undefined && await d.store.users.idByNickname(wantedNick) !== null) {
      // A kicked member signing up again keeps their own nickname: judged inside the write.
      const own = await d.store.users.byUsername(body.username);
      if (!own || own.id !== await d.store.users.idByNickname(wantedNick)) throw nicknameTaken();
    }
    const hash = await this.passwords.hash(body.password);
    // A kicked member comes back with an invite by signing up again with the same username and password:
    // the same account (id, nickname, messages) is restored, without its old roles. Banned accounts never are.
    const former = await d.store.users.byUsername(body.username);
    const rejoining = former?.removedReason === 'kicked' && (await this.passwords.verify(body.password, former.passwordHash));
    const pair = await d.queue.submit(async (w) => {
      // Again, now that it counts: the invite may have been used up (or the first user made) meanwhile.
      const inv = await this.admission(body.invite, w.now);
      if (inv) await d.store.credentials.useInvite(inv.code);
      const roleId = inv?.roleId ?? null;
      const existing = await d.store.users.byUsername(body.username);
      // As in login: the password was verified against `former`; it must still be that account, unchanged.
      const stillFormer =
        existing !== null && former !== null && existing.id === former.id &&
        existing.passwordHash === former.passwordHash && existing.tokenVersion === former.tokenVersion;
      if (existing && rejoining && stillFormer && existing.removedReason === 'kicked') {
        // The account comes back as it was, two-factor login included: its code is asked for as at login.
        const tf = await d.store.accountSecurity.twoFactor(existing.id);
        if (tf?.enabled) {
          if (body.code === undefined) throw codeRequired();
          if (!(await spendSecondFactor(d.store, tf, body.code, w.now, this.totpKey))) throw badCode();
        }
        await d.store.users.setRemoved(existing.id, null);
        if (roleId && roleId !== OWNER_ROLE && await d.store.roles.get(roleId)) await d.store.roles.grant(existing.id, roleId);
        const back = (await d.store.users.byId(existing.id))!;
        w.emit({ type: 'user.joined', roomId: null, actorId: back.id }, { user: await publicUser(d.store, back) });
        return await this.issue(back, d.newId(), w.now, origin);
      }
      if (existing) throw new ProtocolError('CONFLICT', 'that username is taken');
      // Again inside the write: an account deleted meanwhile holds its names from its commit on.
      await refuseHeldName(d, 'username', body.username, w.now);
      if (wantedNick !== undefined) await refuseHeldName(d, 'nickname', wantedNick, w.now);
      const id = d.newId();
      // Without a chosen nickname, one is made up: the username is for logging in and never shown to others.
      // A taken nickname is refused, never silently changed (the person would not know what they are called).
      if (wantedNick !== undefined && await d.store.users.idByNickname(wantedNick) !== null) throw nicknameTaken();
      const nickname = wantedNick === undefined ? await generatedNickname(d.store) : wantedNick;
      await d.store.users.insert({ id, username: body.username, nickname, passwordHash: hash, createdAt: w.now });
      if (roleId && await d.store.roles.get(roleId)) await d.store.roles.grant(id, roleId);
      const user = (await d.store.users.byId(id))!;
      w.emit({ type: 'user.joined', roomId: null, actorId: id }, { user: await publicUser(d.store, user) });
      // A newcomer starts in the default rooms (#general), like an IRC client's autojoin list.
      await this.membership.joinDefaults(id);
      return await this.issue(user, d.newId(), w.now, origin);
    });
    d.log({ level: 'info', msg: 'signup', userId: pair.user.id });
    return pair;
  }

  login(body: LoginBody, ip: string): Promise<TokenPair> {
    const username = body.username.trim().toLowerCase();
    const origin = { client: body.client?.trim() || 'unknown', address: ip };
    return this.limited(ip, username, () => this.loginNow(username, body.password, body.code, origin));
  }

  private async loginNow(username: string, password: string, code: string | undefined, origin: SessionOrigin): Promise<TokenPair> {
    const user = await this.d.store.users.byUsername(username);
    // Same work and same answer whether or not the user exists.
    const ok = await this.passwords.verify(password, user?.passwordHash ?? (await this.dummyHash));
    // An account hashed at a lower cost than the current one (the cost was raised since) is checked at the
    // current cost as well, so a wrong password for it costs what an unknown user costs; a successful login
    // re-hashes it at the current cost.
    const stale = user !== null && PasswordHasher.costOf(user.passwordHash) < this.passwords.currentCost;
    if (stale) await this.passwords.verify(password, await this.dummyHash);
    if (!user || !ok) throw badCredentials();
    const upgraded = stale && !user.removed ? await this.passwords.hash(password) : null;
    // Only someone who knows the password learns why the account cannot log in.
    if (user.removedReason === 'banned') throw new ProtocolError('FORBIDDEN', 'this account is banned from the server');
    if (user.removed) {
      throw new ProtocolError('FORBIDDEN', 'you were removed from this server; sign up again with a new invite to rejoin');
    }
    // Asked before the write so the client can prompt; judged again inside it (2FA may be switched meanwhile).
    if (code === undefined && (await this.d.store.accountSecurity.twoFactor(user.id))?.enabled) throw codeRequired();
    // The password was checked against a row read before the (slow) compare; a reset or logout-all may
    // have committed meanwhile. Issue only if the account is still exactly the one verified, else a
    // session would survive the very reset meant to end it.
    return this.d.queue.submit(async (w) => {
      const current = await this.d.store.users.byId(user.id);
      if (!current || !unchangedSince(user, current)) throw badCredentials();
      // The second factor is judged and spent in the same unit of work that issues the session, so a login
      // racing an enable or disable sees one state or the other, and a code is accepted once.
      const tf = await this.d.store.accountSecurity.twoFactor(current.id);
      if (tf?.enabled) {
        if (code === undefined) throw codeRequired();
        if (!(await spendSecondFactor(this.d.store, tf, code, w.now, this.totpKey))) throw badCode();
      }
      if (upgraded !== null) await this.d.store.users.setPassword(current.id, upgraded);
      return await this.issue(current, this.d.newId(), w.now, origin);
    });
  }

  /** Rotate: the presented token is spent; a second use of it revokes its whole family. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const { d } = this;
    const outcome = await d.queue.submit(async (w) => {
      const row = await d.store.credentials.refreshToken(sha256(refreshToken));
      if (!row || row.revoked || row.expiresAt <= w.now) return { error: badRefresh() };
      if (row.rotated) {
        // Reuse of a spent token: someone holds a copy. End the whole session family.
        await d.store.credentials.revokeFamily(row.familyId);
        w.afterCommit(() => this.onFamilyRevoked(row.familyId));
        d.log({ level: 'warn', msg: 'refresh token reuse; family revoked', userId: row.userId });
        return { error: badRefresh() };
      }
      const user = await d.store.users.byId(row.userId);
      if (!user || user.removed) return { error: badRefresh() };
      await d.store.credentials.markRotated(row.tokenHash);
      await d.store.accountSecurity.touchSession(row.familyId, w.now);
      return { pair: await this.issue(user, row.familyId, w.now) };
    });
    // Returned rather than thrown so the family revocation above commits.
    if ('error' in outcome) throw outcome.error;
    return outcome.pair;
  }

  async logout(refreshToken: string): Promise<void> {
    await this.d.queue.submit(async (w) => {
      const row = await this.d.store.credentials.refreshToken(sha256(refreshToken));
      if (!row) return;
      await this.d.store.credentials.revokeFamily(row.familyId);
      w.afterCommit(() => this.onFamilyRevoked(row.familyId));
    });
  }

  /** Revoke every refresh token and invalidate every live access token of the user. */
  async logoutAll(accessToken: string): Promise<void> {
    const auth = await this.verify(accessToken);
    if (!auth) throw new ProtocolError('UNAUTHORIZED', 'invalid or expired access token');
    await this.revokeEverything(auth.user.id);
  }

  resetPassword(body: ResetPasswordBody, ip: string): Promise<void> {
    const username = body.username.trim().toLowerCase();
    return this.limited(ip, username, () => this.resetPasswordNow(username, body));
  }

  private async resetPasswordNow(username: string, body: ResetPasswordBody): Promise<void> {
    // A wrong code is refused before the new password is hashed; checked again inside the write.
    await this.resetTarget(username, body.code, this.d.now());
    const hash = await this.passwords.hash(body.password);
    const userId = await this.d.queue.submit(async (w) => {
      const user = await this.resetTarget(username, body.code, w.now);
      await this.d.store.users.setPassword(user.id, hash);
      await this.d.store.credentials.useResetCodes(user.id);
      // Two-factor login stays on unless the operator issued the code to clear it (a lost authenticator).
      if (user.clearsTwoFactor) await this.d.store.accountSecurity.disable(user.id);
      await this.revokeIn(user.id, w.afterCommit);
      return user.id;
    });
    this.d.log({ level: 'info', msg: 'password reset', userId });
  }

  private async revokeEverything(userId: string): Promise<void> {
    await this.d.queue.submit(async (w) => await this.revokeIn(userId, w.afterCommit));
  }

  private async revokeIn(userId: string, afterCommit: (fn: () => void) => void): Promise<void> {
    await this.d.store.credentials.revokeAllForUser(userId);
    await this.d.store.users.bumpTokenVersion(userId);
    afterCommit(() => this.onSessionsRevoked(userId));
  }

  /**
   * Does `password` match the user's? Costs what a login's check costs (the stale-cost padding included), for
   * features that ask for the password again (password change, two-factor disable); rate-limit with `limited`.
   */
  async passwordMatches(user: UserRow, password: string): Promise<boolean> {
    const ok = await this.passwords.verify(password, user.passwordHash);
    if (PasswordHasher.costOf(user.passwordHash) < this.passwords.currentCost) await this.passwords.verify(password, await this.dummyHash);
    return ok;
  }

  /**
   * The account `username` names, if `password` is its password (removed accounts included: the caller says
   * why they cannot log in); null otherwise. Costs what a login's check costs whether or not the user exists.
   * Rate-limit with `limited`.
   */
  async checkPassword(username: string, password: string): Promise<UserRow | null> {
    const user = await this.d.store.users.byUsername(username);
    const ok = await this.passwords.verify(password, user?.passwordHash ?? (await this.dummyHash));
    if (user !== null && PasswordHasher.costOf(user.passwordHash) < this.passwords.currentCost) await this.passwords.verify(password, await this.dummyHash);
    return user !== null && ok ? user : null;
  }

  /** Hash a new password at the current cost (outside any write: it is slow). */
  hashPassword(password: string): Promise<string> {
    return this.passwords.hash(password);
  }

  /** Revoke these session families inside a write; their sockets close once it commits. */
  async revokeFamiliesIn(familyIds: readonly string[], afterCommit: (fn: () => void) => void): Promise<void> {
    for (const f of familyIds) await this.d.store.credentials.revokeFamily(f);
    afterCommit(() => {
      for (const f of familyIds) this.onFamilyRevoked(f);
    });
  }

  /** Stop the password workers (server shutdown). */
  close(): Promise<void> {
    return this.passwords.close();
  }

  /** Verify an access token and load its user; null for anything not acceptable. */
  async verify(accessToken: string): Promise<Authenticated | null> {
    const claims = verifyAccessToken(this.o.secret, accessToken, this.d.now());
    if (!claims) return null;
    const user = await this.d.store.users.byId(claims.sub);
    if (!user || user.removed || user.tokenVersion !== claims.tv) return null;
    if (claims.fam !== undefined && await this.d.store.credentials.familyRevoked(claims.fam)) return null;
    return { user, me: await meOf(this.d.store, user), expiresAtMs: claims.exp * 1000, family: claims.fam ?? null };
  }

  /** Must run inside a write (it stores the refresh token). `origin`: a new session, described for its list. */
  private async issue(user: UserRow, familyId: string, now: number, origin?: SessionOrigin): Promise<TokenPair> {
    if (origin) await this.d.store.accountSecurity.insertSession({ familyId, userId: user.id, now, ...origin });
    const refreshToken = newOpaqueToken();
    await this.d.store.credentials.insertRefreshToken({
      tokenHash: sha256(refreshToken),
      userId: user.id,
      familyId,
      createdAt: now,
      expiresAt: now + this.o.refreshTokenTtlSec * 1000,
    });
    return {
      accessToken: signAccessToken(this.o.secret, user.id, user.tokenVersion, now, this.o.accessTokenTtlSec, familyId),
      refreshToken,
      expiresIn: this.o.accessTokenTtlSec,
      user: await meOf(this.d.store, user),
    };
  }
}

export interface InviteOptions {
  uses?: number;
  expiresInMs?: number | null;
  roleId?: string | null;
  /** null: the operator. */
  createdBy?: string | null;
}

/** Store a new invite (inside a write or a transaction) and return it. */
export async function insertInvite(store: Pick<Repositories, 'credentials'>, now: number, opts: InviteOptions = {}): Promise<InviteRow> {
  const row: InviteRow = {
    id: newOpaqueToken().slice(0, 16),
    code: newCode(),
    usesLeft: opts.uses ?? 1,
    expiresAt: opts.expiresInMs ? now + opts.expiresInMs : null,
    roleId: opts.roleId ?? null,
    createdBy: opts.createdBy ?? null,
    createdAt: now,
  };
  await store.credentials.insertInvite(row);
  return row;
}

/**
 * Invites minted by the operator (CLI) and at first start: a plain store write. Returns the code. `audited`:
 * the operator asked for it (`od-server invite create`), so it is recorded like a member's invite.create; the
 * server's own first-run owner invite is not an action anyone took.
 */
export async function createInvite(d: Pick<ServiceDeps, 'store' | 'now'>, opts: InviteOptions = {}, audited = false): Promise<string> {
  const roleId = opts.roleId ?? null;
  if (roleId !== null && !await d.store.roles.get(roleId)) throw new Error(`no such role: ${roleId}`);
  // The operator's invites are audited like members' (invite.create), in the same transaction.
  const row = await d.store.transaction(async () => {
    const now = d.now();
    const inv = await insertInvite(d.store, now, opts);
    const detail = { inviteId: inv.id, uses: inv.usesLeft, expiresAt: inv.expiresAt, roleId: inv.roleId };
    if (audited) await d.store.audit.append({ at: now, actorId: null, action: 'invite.create', targetUserId: null, roomId: null, detail });
    return inv;
  });
  return row.code;
}

export const RESET_CODE_TTL_MS = 3_600_000;

export async function createResetCode(
  d: Pick<ServiceDeps, 'store' | 'now'>,
  username: string,
  opts: { clearTwoFactor?: boolean } = {},
): Promise<string> {
  const user = await d.store.users.byUsername(username.trim().toLowerCase());
  if (!user) throw new Error(`no such user: ${username}`);
  const code = newCode(10);
  const clearTwoFactor = opts.clearTwoFactor ?? false;
  // Only the operator issues reset codes (a way into someone's account): audited in the same transaction.
  await d.store.transaction(async () => {
    const now = d.now();
    await d.store.credentials.insertResetCode(sha256(code), user.id, now + RESET_CODE_TTL_MS, clearTwoFactor);
    await d.store.audit.append({ at: now, actorId: null, action: 'user.reset-password', targetUserId: user.id, roomId: null, detail: { clearTwoFactor } });
  });
  return code;
}

export const REFRESH_TOKEN_TTL_SEC = (30 * DAY_MS) / 1000;
