export { openSqliteStateStore, type SqliteStateStoreOptions } from './open-sqlite-state-store.js';
export { SqliteStateStore } from './sqlite-state-store.js';
