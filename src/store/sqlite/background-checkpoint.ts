import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The checkpointer's code: a second connection to the same file, in a worker thread, that copies
 * committed WAL frames into the database file after each commit the writer announces. PASSIVE
 * checkpoints never wait for the writer nor block it; announcements that arrive while one runs
 * are folded into the next run. Plain CommonJS so that it runs without a TypeScript loader.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let scheduled = false;
let closing = false;
function checkpoint() {
  scheduled = false;
  if (closing) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked by another checkpoint: the next announcement tries again.
  }
}
parentPort.on('message', (message) => {
  if (message === 'close') {
    closing = true;
    try { db.close(); } finally { parentPort.close(); }
    return;
  }
  if (!scheduled) {
    scheduled = true;
    setImmediate(checkpoint);
  }
});
`;

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Checkpoints the WAL on the machine's other core. Without it, every 256 MB of WAL the writer
 * stopped inside a COMMIT to copy pages and fsync: at 100k objects that was a fifth of a full
 * sync's time. Checkpointing right after each commit also lets the writer restart the WAL from the
 * beginning, so the WAL stays small. If the worker is gone or falls behind, the writer's own
 * automatic checkpoint (set higher while this runs) still bounds the WAL.
 */
export class BackgroundCheckpointer {
  readonly #worker: Worker;
  #closed = false;

  private constructor(file: string, onGone: () => void) {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    // A store left open must not keep the process alive.
    this.#worker.unref();
    // A thread that fails (or ends) hands checkpointing back to the writer.
    this.#worker.on('error', () => undefined);
    this.#worker.on('exit', () => {
      this.#closed = true;
      onGone();
    });
  }

  /** Starts the thread; `onGone` runs once it has ended, by `close` or by failing. */
  static start(file: string, onGone: () => void): BackgroundCheckpointer {
    return new BackgroundCheckpointer(file, onGone);
  }

  /** Announces a commit. */
  committed(): void {
    if (!this.#closed) this.#worker.postMessage('commit');
  }

  /** Closes the worker's connection and waits for the thread to end. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    // Unreferenced, the thread would not keep the event loop waiting for its exit.
    this.#worker.ref();
    this.#worker.postMessage('close');
    await exited;
  }
}
