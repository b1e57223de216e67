/**
 * State store implementations. Composition roots (cli, server) open one of these and hand it to the
 * engine as a `StateStore` (src/core/state-store.ts).
 */
export { openSqliteStateStore, SqliteStateStore, type SqliteStateStoreOptions } from './sqlite/index.js';
export { createMemoryStateStore, MemoryStateStore } from './memory/index.js';
