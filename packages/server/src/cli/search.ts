import { openExistingStorage } from './config.js';

/**
 * `od-server search rebuild`: empty the message search indexes and fill them again from the messages table
 * (they are projections of it, so nothing is lost). One transaction: a running server's writes wait for it
 * (and fail with UNAVAILABLE after the busy timeout if it takes longer), so run it while the server is idle
 * or stopped. Returns how many messages were indexed.
 */
export async function searchRebuild(dataDir: string): Promise<number> {
  const store = openExistingStorage(dataDir);
  try {
    return (await store.transaction(() => store.search.rebuild())).messages;
  } finally {
    await store.close();
  }
}
