import type { Storage } from '../ports/storage.js';
import type { AccessIndex } from './access.js';
import type { CommitQueue } from './commit-queue.js';

export type Log = (line: Record<string, unknown>) => void;

/** What every service is built from; injected so services are tested without sockets. */
export interface ServiceDeps {
  store: Storage;
  access: AccessIndex;
  queue: CommitQueue;
  now: () => number;
  newId: () => string;
  log: Log;
}
