import { z } from 'zod';

/** Error codes in `reply.error.code` and in HTTP error bodies. */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  /** The server could not store the write (disk full, read-only database); nothing was applied. Retry later. */
  'UNAVAILABLE',
  /** Login: the password was right, and this account also needs a two-factor code; send again with `code`. */
  'CODE_REQUIRED',
  'TIMEOUT',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorBody = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** An error with a protocol code: thrown by services, turned into an error reply at the session edge. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
  toBody(): ErrorBody {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

/** WebSocket close codes the server uses (4xxx are application codes). */
export const CloseCode = {
  /** Normal closure, e.g. the client logged out. */
  NORMAL: 1000,
  /** Server shutting down: reconnect later. */
  GOING_AWAY: 1001,
  /** The connection dropped without a close frame (network loss, a killed peer). Reported locally, never sent. */
  ABNORMAL: 1006,
  /** A frame larger than the limit (sent by the ws library itself). */
  MESSAGE_TOO_BIG: 1009,
  /** Protocol violation: the first frame was not `auth`, or too many malformed frames. */
  PROTOCOL_VIOLATION: 4400,
  /**
   * Missing, invalid or expired access token, or this user's sessions were revoked (logout everywhere, a
   * password reset). Refresh and reconnect; if the refresh is refused too, log in again.
   */
  UNAUTHORIZED: 4401,
  /** The account is banned. Do not reconnect. */
  FORBIDDEN: 4403,
  /**
   * The account was removed from the server (kicked): its sessions are revoked. Do not reconnect or refresh;
   * coming back takes a new invite. (Servers before this code sent UNAUTHORIZED, which ends at the refresh.)
   */
  REMOVED: 4410,
  /** No `auth` frame within the auth timeout. */
  AUTH_TIMEOUT: 4408,
  /** Too many connections for this user or address. */
  TOO_MANY_CONNECTIONS: 4409,
  /** The client did not read fast enough (send buffer over the cap) or flooded the server. Resume later. */
  TOO_SLOW: 4429,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting is pointless without user action. */
export const FATAL_CLOSE_CODES: readonly number[] = [CloseCode.FORBIDDEN, CloseCode.REMOVED];
