/** Exit codes of the od commands, so scripts can tell failures apart. */
export const EXIT = {
  OK: 0,
  /** The server refused or could not be reached (network, rate limit, server error). */
  FAILED: 1,
  /** Bad usage, or no saved session: run `od login URL` first. */
  USAGE: 2,
  /** The named room does not exist or is not visible. */
  NOT_FOUND: 3,
  /** The saved session was revoked or expired: log in again. */
  AUTH: 4,
} as const;

export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
