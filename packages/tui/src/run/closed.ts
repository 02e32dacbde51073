import { CloseCode, type ConnectionStatus } from '@open-discord/protocol';

/** The client's final status: why it stopped is in `code`, never read out of the text. */
export type Closed = Extract<ConnectionStatus, { state: 'closed' }>;

/** The saved session is over (expired or revoked, or the account was removed): only a new login helps. */
export function needsLogin(closed: Closed): boolean {
  return closed.code === CloseCode.UNAUTHORIZED || closed.code === CloseCode.REMOVED;
}

/** What to tell the user to do about it. */
export function loginAdvice(closed: Closed, url: string): string {
  return closed.code === CloseCode.REMOVED
    ? `removed from the server: to rejoin, get a new invite and run od login ${url}`
    : `${closed.reason}: run od login ${url}`;
}
