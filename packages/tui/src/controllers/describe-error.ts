import { ProtocolError } from '@open-discord/protocol';

/** One line for the screen: the server's own message, with the code when it adds something. */
export function describeError(error: unknown): string {
  if (error instanceof ProtocolError) {
    const retry = error.retryAfterMs ? ` (try again in ${Math.ceil(error.retryAfterMs / 1000)} s)` : '';
    return `${error.message}${retry}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
