import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { StoreError } from '../../core/errors.js';
import type { EncodedChangeSet } from './write-change-set.js';
import type { FromWriterThread, ToWriterThread, WriterThreadData } from './writer-thread-protocol.js';

interface Waiter {
  readonly resolve: (missing: readonly string[] | null) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The store's writes on the machine's other core: a worker thread with its own connection commits
 * change sets in the order given while this thread goes on (`SqliteStateStore.writeBehind`).
 * The thread keeps the process alive only while a change set is in flight.
 */
export class SqliteWriterThread {
  readonly #worker: Worker;
  readonly #waiters = new Map<number, Waiter>();
  #nextId = 1;
  #gone: Error | null = null;
  #closed: Promise<void> | null = null;

  private constructor(
    private readonly file: string,
    data: Omit<WriterThreadData, 'source'>,
  ) {
    this.#worker = startWorker(data);
    this.#worker.unref();
    this.#worker.on('message', (message: FromWriterThread) => {
      if (message.type === 'closed') return;
      const waiter = this.#waiters.get(message.id);
      this.#waiters.delete(message.id);
      if (this.#waiters.size === 0) this.#worker.unref();
      if (message.type === 'applied') waiter?.resolve(null);
      else if (message.type === 'missing') waiter?.resolve(message.ids);
      else waiter?.reject(new StoreError(message.message, message.isBusy ?? false));
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', () => this.#fail(null));
  }

  static start(data: Omit<WriterThreadData, 'source'>): SqliteWriterThread {
    return new SqliteWriterThread(data.file, data);
  }

  /**
   * Sends an encoded change set (copied now). Resolves with null once it is committed, or with the
   * ids of `writeEncoded`'s missing rows (nothing written); rejects with the store's error.
   */
  apply(encoded: EncodedChangeSet): Promise<readonly string[] | null> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#nextId++;
    const done = new Promise<readonly string[] | null>((resolve, reject) => this.#waiters.set(id, { resolve, reject }));
    if (this.#waiters.size === 1) this.#worker.ref();
    this.#worker.postMessage({ type: 'apply', id, encoded } satisfies ToWriterThread);
    return done;
  }

  /** Waits for the change sets sent, closes the thread's connection and ends the thread. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (this.#gone) return;
      const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
      this.#worker.ref();
      this.#worker.postMessage({ type: 'close' } satisfies ToWriterThread);
      await exited;
    })();
    return this.#closed;
  }

  #fail(error: Error | null): void {
    this.#gone ??= new StoreError(
      `state store "${this.file}": its writer thread ended${error ? `: ${error.message}` : ''}`,
      false,
      error ? { cause: error } : undefined,
    );
    for (const waiter of this.#waiters.values()) waiter.reject(this.#gone);
    this.#waiters.clear();
  }
}

/**
 * Starts the thread from this module's sibling: the compiled `.js` in a build; under the test runner
 * and the benchmark, which run the TypeScript sources, the `.ts` source through tsx (a development
 * dependency), loaded by a small CommonJS bootstrap.
 */
function startWorker(data: Omit<WriterThreadData, 'source'>): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: data });
  }
  const source = { tsx: tsxApiUrl(), entry: new URL('./writer-thread.ts', import.meta.url).href };
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...data, source } satisfies WriterThreadData });
}

/** tsx's ESM API (`tsImport`), found through its package exports (the test runner has no `import.meta.resolve`). */
function tsxApiUrl(): string {
  const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const api = manifest.exports['./esm/api']?.import.default;
  if (api === undefined) throw new Error(`${manifestPath}: no "./esm/api" export to load TypeScript in a worker`);
  return pathToFileURL(join(dirname(manifestPath), api)).href;
}

const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.source.tsx).then(({ tsImport }) => tsImport(workerData.source.entry, workerData.source.entry)).catch((error) => {
  setImmediate(() => { throw error; });
});
`;
