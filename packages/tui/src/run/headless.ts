import { ProtocolError, type OdClient, type StateResult } from '@open-discord/protocol';
import { describeError } from '../controllers/describe-error.js';
import { needsLogin, type Closed } from './closed.js';
import { EXIT, ExitError } from './exit-codes.js';

/** Connect and return the first world snapshot (the client loads it itself on a fresh start). */
export async function connectForSnapshot(client: OdClient, timeoutMs = 15_000): Promise<StateResult> {
  let snapshot: StateResult | null = null;
  client.on('snapshot', (s) => {
    snapshot ??= s;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ExitError(EXIT.FAILED, `could not connect within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect(), timeout]);
  } catch (error) {
    // The client's own status says why it stopped (by code); read it before closing overwrites it.
    const status = client.status;
    client.close();
    if (error instanceof ExitError) throw error;
    throw status.state === 'closed' ? exitForFailure(status) : new ExitError(EXIT.FAILED, describeError(error));
  } finally {
    clearTimeout(timer);
  }
  if (!snapshot) {
    client.close();
    throw new ExitError(EXIT.FAILED, 'the server sent no state');
  }
  return snapshot;
}

/** A client that closed for good: a session that is over (see needsLogin) is EXIT.AUTH, anything else EXIT.FAILED. */
export function exitForFailure(closed: Closed): ExitError {
  return new ExitError(needsLogin(closed) ? EXIT.AUTH : EXIT.FAILED, closed.reason);
}

export function findRoomIn(state: StateResult, name: string): string {
  const n = name.replace(/^#/, '').toLowerCase();
  const room = state.rooms.find((r) => r.name.toLowerCase() === n);
  if (!room) throw new ExitError(EXIT.NOT_FOUND, `no room "#${name.replace(/^#/, '')}"`);
  return room.id;
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof ExitError) return error.exitCode;
  if (error instanceof ProtocolError) {
    if (error.code === 'NOT_FOUND') return EXIT.NOT_FOUND;
    if (error.code === 'UNAUTHORIZED') return EXIT.AUTH;
    if (error.code === 'BAD_REQUEST') return EXIT.USAGE;
  }
  return EXIT.FAILED;
}
