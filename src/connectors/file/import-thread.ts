/**
 * Worker-thread entry of a file import read off the main thread (see `readImportOffThread`): reads,
 * parses and maps the file as the connector would in-thread, and posts the import items in batches.
 * It runs ahead of the consumer by at most `window` unacknowledged batches.
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { ImportItem } from '../../core/connector.js';
import { ConnectorError } from '../../core/errors.js';
import { createCsvConnector } from './csv-connector.js';
import { createLdifConnector } from './ldif-connector.js';
import type { FromImportThread, ImportThreadData, ToImportThread } from './import-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('import-thread.ts runs only as a worker thread');
const data = workerData as ImportThreadData;

let credits = data.window;
let wake: (() => void) | null = null;
port.on('message', (message: ToImportThread) => {
  if (message !== 'more') return;
  credits++;
  wake?.();
  wake = null;
});

const post = (message: FromImportThread): void => port.postMessage(message);

async function send(items: ImportItem[]): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  post({ type: 'items', items });
}

try {
  // In this thread the connector reads in-thread, whatever the file's size.
  const inThread = { offThreadMinBytes: Infinity };
  const connector =
    data.config.type === 'ldif'
      ? createLdifConnector(data.config, inThread)
      : createCsvConnector(data.config, inThread);
  let batch: ImportItem[] = [];
  for await (const item of connector.fullImport()) {
    batch.push(item);
    if (batch.length >= data.batchSize) {
      await send(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await send(batch);
  post({ type: 'done' });
} catch (error) {
  post(
    error instanceof ConnectorError
      ? { type: 'error', message: error.message, kind: error.kind, isRetryable: error.isRetryable }
      : { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) },
  );
}
port.close();
