import { z } from 'zod';
import { Id } from '../model.js';
import { Password } from '../http.js';
import { Ok, req } from './request.js';

/*
 * Account safety: two-factor login (TOTP with recovery codes), the sessions a user is logged in with, and
 * password change. All private to the asking user: nothing here is an event others receive.
 */

/** A six-digit TOTP code or a recovery code (`xxxxx-xxxxx`); spaces and dashes are ignored. */
export const SecondFactorCode = z.string().trim().min(6).max(32);

/** One place the user is logged in: one refresh-token family (a login on one device). */
export const SessionInfo = z.object({
  id: Id,
  /** What the client said it is at login (`od 0.4.0`), or `unknown` for sessions from before it was recorded. */
  client: z.string(),
  /** The address the server saw at login ('' when unknown). */
  address: z.string(),
  /** When it logged in and when it last refreshed its access token (epoch ms). */
  firstSeen: z.number().int(),
  lastSeen: z.number().int(),
  /** The session this request came from. */
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/**
 * A password for one client that cannot ask for a two-factor code (an IRC client: `irssi`): a random secret
 * the server shows once and keeps only hashed. It logs in to the IRC gateway in place of the account
 * password, with or without two-factor login, and is listed and revoked like a session.
 */
export const AppPasswordInfo = z.object({
  id: Id,
  name: z.string(),
  createdAt: z.number().int(),
  /** The last login with it (epoch ms); null when never used. */
  lastUsed: z.number().int().nullable(),
  /** The address of that login ('' when never used). */
  lastAddress: z.string(),
});
export type AppPasswordInfo = z.infer<typeof AppPasswordInfo>;

/** What an app password is called: a few words naming the client. */
export const AppPasswordName = z
  .string()
  .trim()
  .min(1, 'name the app password after its client, e.g. irssi')
  .max(40, 'an app password name is at most 40 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'an app password name cannot hold control characters');

export const TwoFactorStatus = z.object({
  enabled: z.boolean(),
  /** Unused recovery codes (0 when disabled). */
  recoveryCodesLeft: z.number().int().nonnegative(),
  /** Roles whose holders must have two-factor login (set by the owner with `twofa.require`). */
  requiredRoles: z.array(Id),
  /** The asking user holds one of them. */
  required: z.boolean(),
});

/** What happens to a deleted account's messages in shared rooms: erased (text gone), or kept under "deleted user". */
export const MessageFate = z.enum(['erase', 'keep']);
export type MessageFate = z.infer<typeof MessageFate>;

export const requests = {
  /** Two-factor state of the asking user. */
  'twofa.status': req({}, TwoFactorStatus),
  /**
   * Start enrolment: a fresh secret (base32) and its `otpauth://` URI (for the QR code). Nothing changes until
   * `twofa.enable` proves an authenticator holds it; a second setup replaces the first. CONFLICT when enabled.
   */
  'twofa.setup': req({}, z.object({ secret: z.string(), uri: z.string() })),
  /** Finish enrolment with a code from the authenticator; answers the 10 recovery codes, shown only this once. */
  'twofa.enable': req({ code: SecondFactorCode }, z.object({ recoveryCodes: z.array(z.string()) })),
  /** Turn two-factor login off: needs the password and a code (TOTP or recovery). */
  'twofa.disable': req({ password: z.string().max(1024), code: SecondFactorCode }, Ok),
  /**
   * Owner only: holders of this role must have two-factor login. Until they turn it on, their writes are
   * refused (FORBIDDEN) except what turns it on or manages their account; reads keep working.
   */
  'twofa.require': req({ roleId: Id }, Ok),
  /** Owner only: lift the requirement. */
  'twofa.unrequire': req({ roleId: Id }, Ok),
  /**
   * Where the user is logged in, newest first; the asking session is marked `current`. Their app passwords
   * (oldest first) are listed with them: each is a way in, revoked with `apppassword.revoke`.
   */
  'sessions.list': req({}, z.object({ sessions: z.array(SessionInfo), appPasswords: z.array(AppPasswordInfo) })),
  /** Log one session out: its refresh tokens stop working and its sockets close at once. */
  'sessions.revoke': req({ sessionId: Id }, Ok),
  /**
   * A new app password for a client (`irssi`): the secret is in this reply only (the server keeps its hash).
   * At most 20 per account; names are unique among them (CONFLICT).
   */
  'apppassword.create': req({ name: AppPasswordName }, z.object({ appPassword: AppPasswordInfo, secret: z.string() })),
  /** The user's app passwords, oldest first (never their secrets). */
  'apppassword.list': req({}, z.object({ appPasswords: z.array(AppPasswordInfo) })),
  /** Revoke one: it stops working and the connections that logged in with it close at once. */
  'apppassword.revoke': req({ appPasswordId: Id }, Ok),
  /** Log out everywhere else: every session but the asking one. */
  'sessions.revokeOthers': req({}, z.object({ revoked: z.number().int().nonnegative() })),
  /**
   * Change the password: needs the current one (and a code when two-factor login is on); every other
   * session is logged out, this one stays.
   */
  'password.change': req({ current: z.string().max(1024), password: Password, code: SecondFactorCode.optional() }, Ok),
  /**
   * Delete the asking account for good: needs the password (and a code with two-factor login). Its
   * credentials, sessions, profile, avatar, reactions, read markers, follows, blocks, bookmarks and DMs go;
   * its messages in shared rooms are erased or kept under "deleted user" (`messages`, else the server's
   * default). The old username and nickname stay taken for a while. FORBIDDEN for the only owner.
   */
  'account.delete': req(
    { password: z.string().max(1024), code: SecondFactorCode.optional(), messages: MessageFate.optional() },
    z.object({ ok: z.literal(true), messages: MessageFate }),
  ),
} as const;
