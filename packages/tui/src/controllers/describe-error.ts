import { ProtocolError } from '@open-discord/protocol';
import { explainText } from '../text/plain-words.js';

/** One line for the screen: the server's own message (validation put in words), with when to retry. */
export function describeError(error: unknown): string {
  if (error instanceof ProtocolError) {
    const retry = error.retryAfterMs ? ` (try again in ${Math.ceil(error.retryAfterMs / 1000)} s)` : '';
    const text = error.code === 'BAD_REQUEST' ? explainText(error.message) : error.message;
    return `${text}${retry}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
