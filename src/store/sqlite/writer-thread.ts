/**
 * Worker-thread entry of the store's writer (see `SqliteWriterThread`): a second connection to the
 * same file that commits the change sets it is sent, one transaction each, in the order sent.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { StoreError } from '../../core/errors.js';
import { openDatabase } from './open-sqlite-state-store.js';
import { SqliteStateStore } from './sqlite-state-store.js';
import type { FromWriterThread, ToWriterThread, WriterThreadData } from './writer-thread-protocol.js';

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs only as a worker thread');
const data = workerData as WriterThreadData;
const post = (message: FromWriterThread): void => port.postMessage(message);

const db = openDatabase(data.file, data.busyTimeoutMs, data.cacheMiB);
db.pragma(`wal_autocheckpoint = ${data.autocheckpointPages}`);
const store = new SqliteStateStore(db, data.file);

port.on('message', (message: ToWriterThread) => {
  if (message.type === 'close') {
    void store.close().finally(() => {
      post({ type: 'closed' });
      port.close();
    });
    return;
  }
  try {
    const missing = store.writeEncoded(message.encoded);
    post(missing === null ? { type: 'applied', id: message.id } : { type: 'missing', id: message.id, ids: missing });
  } catch (error) {
    post({
      type: 'failed',
      id: message.id,
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof StoreError ? { isBusy: error.isBusy } : {}),
    });
  }
});
