export { validateChangeSet } from './validate-change-set.js';
export {
  canonicalIndexes,
  changedIndexConnectors,
  indexEntriesOf,
  NO_INDEXES,
  sameStringList,
  type IndexEntry,
} from './index-keys.js';
export { matchesMvAttribute } from './mv-query-match.js';
export {
  currentHost,
  isProcessAlive,
  isStaleHolder,
  lockBusyError,
  LOCK_POLL_MS,
  sleep,
  waitForLock,
  type LockAttempt,
} from './lock-holder.js';
