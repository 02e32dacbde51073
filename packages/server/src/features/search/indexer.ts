import type { ServiceDeps } from '../../core/deps.js';

/** Event types that leave a message waiting to be tokenised (see the search migration's pending queue). */
const INDEXED = new Set(['message.created', 'message.edited']);

export interface IndexerOptions {
  /** Index once no new message has been published for this long (the server is between bursts). */
  idleMs: number;
  /** ...or at once when this many wait, so a search under load never has more than this to index first. */
  backlog: number;
  /** Messages tokenised in one commit-queue step. */
  batch: number;
}

export interface Indexer {
  /** Published events: new and edited messages wake the indexer (nothing polls while the server is quiet). */
  wake(events: ReadonlyArray<{ type: string }>): void;
  stop(): void;
}

/**
 * Tokenises new messages for search off the send path, in big batches. FTS5 writes one index segment per
 * insert statement and merges segments as they pile up, so what a message costs falls with the batch: about
 * 25 µs a message at 500 a step, 12 µs at 5 000 (`scripts/bench`, word index with its prefix indexes). Batches
 * are therefore taken when the server goes quiet (no message for `idleMs`), or when `backlog` messages wait
 * under sustained load; a search indexes whatever is left first (`SearchService.catchUp`), so it never misses
 * one. Each batch is its own commit-queue step, so writes keep interleaving with a long catch-up.
 */
export function startIndexer(d: Pick<ServiceDeps, 'store' | 'queue' | 'log'>, o: IndexerOptions): Indexer {
  let owed = 0;
  let idle: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let stopped = false;

  /** Index batches until nothing waits (`all`) or one batch (under load: the rest waits for the next turn). */
  const run = async (all: boolean) => {
    if (running || stopped) return;
    running = true;
    owed = 0;
    try {
      do {
        const done = await d.queue.submit(async () => d.store.search.indexPending(o.batch));
        if (done < o.batch) break;
      } while (all && !stopped);
    } catch (error) {
      // A full disk or a closing store: the messages stay pending, and the next wake (or a search) retries.
      // Stopped meanwhile (the server is closing): the queue refusing the batch is expected, not a warning.
      if (!stopped) d.log({ level: 'warn', msg: 'search indexing failed', error: error instanceof Error ? error.message : String(error) });
    } finally {
      running = false;
    }
    // Messages that came while this ran and already reached the backlog: go on at once.
    if (owed >= o.backlog) void run(false);
  };

  const arm = () => {
    if (idle !== null) clearTimeout(idle);
    idle = setTimeout(() => {
      idle = null;
      void run(true);
    }, o.idleMs);
    idle.unref();
  };

  // Whatever waited from before a restart (or was written by another process) is indexed once quiet.
  arm();
  return {
    wake(events) {
      let n = 0;
      for (const e of events) if (INDEXED.has(e.type)) n++;
      if (n === 0 || stopped) return;
      owed += n;
      if (owed >= o.backlog) void run(false);
      arm();
    },
    stop() {
      stopped = true;
      if (idle !== null) clearTimeout(idle);
      idle = null;
    },
  };
}
