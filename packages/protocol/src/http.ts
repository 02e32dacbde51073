import { z } from 'zod';
import { LIMITS, USERNAME_RE, utf8ByteLength } from './limits.js';
import { Me } from './model.js';
import { AccountExport } from './features/account-export.js';

/** HTTP account API (same port as the WebSocket). All bodies are JSON; errors are `{error: ErrorBody}`. */
export const HTTP_PATHS = {
  signup: '/api/signup',
  login: '/api/login',
  refresh: '/api/refresh',
  logout: '/api/logout',
  logoutAll: '/api/logout-all',
  /** Redeem a one-time reset code from `od-server user reset-password`; revokes every session of the user. */
  resetPassword: '/api/reset-password',
  /**
   * Would this invite let someone sign up now? So a sign-up form can say "invalid invite" right after the
   * field; spends the same per-address budget as a sign-up attempt.
   */
  inviteCheck: '/api/invite-check',
  /** Everything the server holds about the user (`Authorization: Bearer <access token>`); see AccountExport. */
  export: '/api/export',
  health: '/healthz',
  /** WebSocket upgrade path. */
  ws: '/ws',
} as const;

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(LIMITS.usernameMin)
  .max(LIMITS.usernameMax)
  .regex(USERNAME_RE, 'username may contain a-z, 0-9, _ . -');
export const Password = z
  .string()
  .min(LIMITS.passwordMin, `password must be at least ${LIMITS.passwordMin} characters`)
  .refine((p) => utf8ByteLength(p) <= LIMITS.passwordMaxBytes, `password must be at most ${LIMITS.passwordMaxBytes} bytes`);

export const SignupBody = z.object({
  username: Username,
  password: Password,
  /** Shown to others; when omitted the server makes one up (never from the username, which stays private). */
  nickname: z.string().trim().min(LIMITS.nicknameMin).max(LIMITS.nicknameMax).optional(),
  invite: z.string().max(128).optional(),
  /** What the client is (`od 0.4.0`), shown in the user's session list. */
  client: z.string().max(64).optional(),
  /** A kicked member rejoining an account that has two-factor login: its code, as at login. */
  code: z.string().max(32).optional(),
});
export const LoginBody = z.object({
  username: z.string().max(64),
  password: z.string().max(1024),
  /**
   * The two-factor code (TOTP or recovery code) when the account has two-factor login on; without it such an
   * account answers CODE_REQUIRED (only after the password was right), and the client asks and sends again.
   */
  code: z.string().max(32).optional(),
  /** What the client is (`od 0.4.0`), shown in the user's session list. */
  client: z.string().max(64).optional(),
});
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) });
export const LogoutBody = RefreshBody;
export const ResetPasswordBody = z.object({
  username: z.string().max(64),
  code: z.string().min(1).max(64),
  password: Password,
});
export const InviteCheckBody = z.object({ invite: z.string().min(1).max(128) });
/** `logout-all` authenticates with `Authorization: Bearer <access token>`. */

export const TokenPair = z.object({
  accessToken: z.string(),
  /** Opaque; rotated on every use. Using an already-rotated token revokes the whole family. */
  refreshToken: z.string(),
  /** Access token lifetime in seconds. */
  expiresIn: z.number().int(),
  user: Me,
});
const OkBody = z.object({ ok: z.literal(true) });
/** `GET /healthz`: the server is up; `head` is the newest order in its event log. */
export const HealthBody = z.object({ ok: z.literal(true), head: z.number().int().nonnegative() });

/** What each HTTP endpoint answers on success (status 200); the server's routes are typed from this. */
export const HTTP_RESULTS = {
  signup: TokenPair,
  login: TokenPair,
  refresh: TokenPair,
  logout: OkBody,
  logoutAll: OkBody,
  resetPassword: OkBody,
  inviteCheck: OkBody,
  export: AccountExport,
  health: HealthBody,
} as const;
export type HttpEndpoint = keyof typeof HTTP_RESULTS;
export type HttpResult<E extends HttpEndpoint> = z.infer<(typeof HTTP_RESULTS)[E]>;

export type SignupBody = z.infer<typeof SignupBody>;
export type LoginBody = z.infer<typeof LoginBody>;
export type TokenPair = z.infer<typeof TokenPair>;
export type ResetPasswordBody = z.infer<typeof ResetPasswordBody>;
