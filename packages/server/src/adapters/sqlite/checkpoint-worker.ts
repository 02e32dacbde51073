import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CheckpointResult } from './checkpoints.js';

/*
 * PASSIVE checkpoints on a worker thread with a connection of its own, so copying the write-ahead log's pages
 * into the database file and fsyncing it never holds the event loop (a retention sweep writes hundreds of MB
 * of pages: on the main thread its checkpoints were most of the live messages' p99). A PASSIVE checkpoint
 * never waits for a lock and runs while the main connection keeps committing; once it has copied every
 * frame, the main connection's next write starts the log again from its beginning (and cuts the file to
 * journal_size_limit). The worker's connection is opened per checkpoint and closed after it, so between
 * checkpoints this thread holds nothing on the file.
 *
 * The worker is plain JavaScript given as a string: it runs the same from the built package, the TypeScript
 * sources under the test runner and a bundle. It loads the driver by the path the main thread resolved.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const state = new Int32Array(workerData.state);
parentPort.on('message', (m) => {
  let result = null;
  let error = null;
  // 0: idle, 1: a checkpoint holds a connection, 2: the main thread closed the database (do nothing).
  if (Atomics.compareExchange(state, 0, 0, 1) === 0) {
    try {
      const db = new Database(workerData.file, { fileMustExist: true });
      try {
        db.pragma('busy_timeout = 0');
        const r = db.pragma('wal_checkpoint(PASSIVE)', { simple: false })[0];
        result = r ? { busy: r.busy !== 0, walFrames: r.log, checkpointedFrames: r.checkpointed } : null;
      } finally {
        db.close();
      }
    } catch (e) {
      error = e && e.message ? String(e.message) : String(e);
    } finally {
      Atomics.store(state, 0, 0);
      Atomics.notify(state, 0);
    }
  }
  parentPort.postMessage({ id: m.id, result, error });
});
`;

const IDLE = 0;
const RUNNING = 1;
const CLOSED = 2;
/** How long close() waits for a checkpoint in flight to let go of the file. */
const CLOSE_WAIT_MS = 10_000;

export class CheckpointWorker {
  private worker: Worker | null = null;
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  private readonly waiting = new Map<number, { resolve: (r: CheckpointResult | null) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closed = false;

  constructor(private readonly file: string) {}

  /** A PASSIVE checkpoint off the event loop; null once closed. */
  passive(): Promise<CheckpointResult | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      // A thread that cannot start (no driver found from here) rejects like one that died.
      const worker = this.start();
      const id = ++this.nextId;
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id });
    });
  }

  /**
   * Stop: wait (blocking, briefly) until no checkpoint holds a connection, so the main connection is the
   * last one when it closes and can fold the log back and remove it; then end the thread.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const deadline = performance.now() + CLOSE_WAIT_MS;
    while (Atomics.compareExchange(this.state, 0, IDLE, CLOSED) !== IDLE && performance.now() < deadline) {
      Atomics.wait(this.state, 0, RUNNING, 50);
    }
    void this.worker?.terminate();
    this.worker = null;
    for (const w of this.waiting.values()) w.resolve(null);
    this.waiting.clear();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(SOURCE, { eval: true, workerData: { driver, file: this.file, state: this.state.buffer } });
    // Upkeep only: it never keeps the process alive.
    worker.unref();
    worker.on('message', (m: { id: number; result: CheckpointResult | null; error: string | null }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error !== null) w.reject(new Error(m.error));
      else w.resolve(m.result);
    });
    worker.on('error', (error) => this.worker === worker && this.fail(error));
    worker.on('exit', () => this.worker === worker && this.fail(new Error('checkpoint worker exited')));
    this.worker = worker;
    return worker;
  }

  /** The thread died: what waits fails (the caller falls back to the main thread), the next call starts another. */
  private fail(error: Error): void {
    this.worker = null;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }
}
