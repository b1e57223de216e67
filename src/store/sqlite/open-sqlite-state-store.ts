import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import Database from 'better-sqlite3';

import { StoreError } from '../../core/errors.js';
import type { Attributes } from '../../core/values.js';
import { parseWithValues } from '../../core/value-codec.js';
import { matchesMvAttribute } from '../shared/index.js';
import { MV_MATCH_FUNCTION } from './query-sql.js';
import { BackgroundCheckpointer } from './background-checkpoint.js';
import { migrate } from './schema.js';
import { mapSqliteError } from './sqlite-errors.js';
import { SqliteStateStore } from './sqlite-state-store.js';

/** The writer's own checkpoint interval: 256 MB of 16 KB pages. */
const CHECKPOINT_PAGES = 16_384;
/** With a background checkpointer: 1 GB of 16 KB pages before the writer checkpoints itself. */
const FALLBACK_CHECKPOINT_PAGES = 65_536;

/** Options of `openSqliteStateStore`. */
export interface SqliteStateStoreOptions {
  /** Database file; parent directories are created. */
  readonly path: string;
  /** How long one statement waits for another process's write transaction (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /**
   * SQLite's page cache in MiB (default 256). Runs that look objects up at random want it large;
   * commands that only scan (reports, status) do as well with a small one and keep their memory low.
   */
  readonly cacheMiB?: number;
  /**
   * Checkpoint the WAL in a worker thread after each commit instead of inside the writer's COMMIT
   * every 256 MB (default false; the CLI turns it on for commands that write).
   */
  readonly checkpointInBackground?: boolean;
}

/**
 * Opens (creating and migrating as needed) the embedded state store. Throws `StoreError` naming the
 * file when it is not an SQLite database or was written by a newer schema version.
 */
export async function openSqliteStateStore(options: SqliteStateStoreOptions): Promise<SqliteStateStore> {
  const file = resolve(options.path);
  try {
    await mkdir(dirname(file), { recursive: true });
  } catch (error) {
    throw new StoreError(`state store "${file}": cannot create its directory`, false, { cause: error });
  }
  const db = openDatabase(file, options.busyTimeoutMs ?? 5000, options.cacheMiB ?? 256);
  let checkpointer: BackgroundCheckpointer | null = null;
  if (options.checkpointInBackground) {
    try {
      // Only a fallback while the thread runs: the writer checkpoints itself when it is far behind,
      // and as before once the thread has ended.
      db.pragma(`wal_autocheckpoint = ${FALLBACK_CHECKPOINT_PAGES}`);
      checkpointer = BackgroundCheckpointer.start(file, () => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
      });
    } catch (error) {
      db.close();
      throw new StoreError(`state store "${file}": cannot start its checkpoint thread`, false, { cause: error });
    }
  }
  return new SqliteStateStore(db, file, checkpointer);
}

/**
 * Opens the file with the store's settings (WAL, synchronous=NORMAL, busy timeout, foreign keys),
 * registers the store's SQL functions and migrates the schema. Closes the file again on failure.
 */
export function openDatabase(file: string, busyTimeoutMs: number, cacheMiB = 256): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    // Takes effect only while the file is new. Tower rows are 1-2 KB: with 16 KB pages a batch
    // dirties a quarter of the pages it would with 4 KB, and checkpoints (the fsyncs) shrink alike;
    // measured on this machine, inserting connector-space rows became 2.3 times faster.
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`cache_size = -${Math.max(1, Math.trunc(cacheMiB)) * 1024}`);
    db.pragma('temp_store = MEMORY');
    // Checkpoint every 256 MB of WAL: often enough to bound the WAL, rarely enough that the same
    // index pages are not copied into the database file again on nearly every commit.
    db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
    db.pragma(`journal_size_limit = ${256 * 1024 * 1024}`);
    db.function(MV_MATCH_FUNCTION, { deterministic: true }, (attributes, attribute, value) => {
      const query: { attribute?: string; value?: string } = {};
      if (typeof attribute === 'string') query.attribute = attribute;
      if (typeof value === 'string') query.value = value;
      return matchesMvAttribute(parseWithValues<Attributes>(String(attributes)), query) ? 1 : 0;
    });
    migrate(db, file);
    return db;
  } catch (error) {
    db?.close();
    throw mapSqliteError(error, file, 'opening');
  }
}
