import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import type { CsvConnectorConfig, LdifConnectorConfig } from '../../config/connector-config.js';
import type { ImportItem } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import type { FromImportThread, ImportThreadData, ToImportThread } from './import-thread-protocol.js';

/** Items per message: large enough that messaging is cheap, small enough to start the consumer early. */
const THREAD_BATCH = 1000;
/** Batches the thread may read ahead of the consumer. */
const THREAD_WINDOW = 4;

/**
 * The file connector's full import, read, parsed and mapped in a worker thread while this thread
 * stages and stores what was read before: on the other core, the import of a large file overlaps
 * its parse with its writes. Yields exactly the items the in-thread import yields, in the same
 * order, and fails the same way (`ConnectorError`s keep their kind). Ending the iteration early
 * stops the thread.
 */
export async function* readImportOffThread(
  config: LdifConnectorConfig | CsvConnectorConfig,
  signal: AbortSignal | undefined,
): AsyncGenerator<ImportItem> {
  const worker = startImportThread({ config, batchSize: THREAD_BATCH, window: THREAD_WINDOW });
  const inbox: FromImportThread[] = [];
  let failure: Error | null = null;
  let hasExited = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: FromImportThread) => {
    inbox.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', () => {
    hasExited = true;
    notify();
  });
  try {
    for (;;) {
      let message = inbox.shift();
      while (message === undefined) {
        if (failure) throw new Error(`connector "${config.name}": the import thread failed`, { cause: failure });
        if (hasExited) throw new Error(`connector "${config.name}": the import thread ended before the file did`);
        await new Promise<void>((resolve) => (wake = resolve));
        message = inbox.shift();
      }
      if (message.type === 'done') return;
      if (message.type === 'error') {
        throw message.kind !== undefined
          ? new ConnectorError(message.message, message.kind, message.isRetryable)
          : new Error(`connector "${config.name}": the import thread failed: ${message.message}`);
      }
      for (const item of message.items) {
        yield item;
        signal?.throwIfAborted();
      }
      worker.postMessage('more' satisfies ToImportThread);
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * Starts the thread from this module's sibling: the compiled `.js` in a build; under the test runner
 * and the benchmark, which run the TypeScript sources, the `.ts` source through tsx (a development
 * dependency), loaded by a small CommonJS bootstrap.
 */
function startImportThread(data: ImportThreadData): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./import-thread.js', import.meta.url), { workerData: data });
  }
  const source = {
    tsx: tsxApiUrl(),
    entry: new URL('./import-thread.ts', import.meta.url).href,
  };
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...data, source } });
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
