import { randomUUID } from 'node:crypto';

import type Database from 'better-sqlite3';

import type { LockHolder } from '../../core/state-store.js';
import { isStaleHolder, waitForLock, type LockAttempt } from '../shared/index.js';
import { mapSqliteError } from './sqlite-errors.js';
import type { Statements } from './statements.js';

interface LockRow extends LockHolder {
  readonly token: string;
}

/**
 * The single-writer lock: one row in `lock`, read and written inside an IMMEDIATE transaction so
 * that two processes cannot both see it free. A holder from this host whose process is gone is taken over.
 * Resolves to the token that identifies this holding (see `releaseSqliteLock`).
 */
export async function acquireSqliteLock(
  db: Database.Database,
  st: Statements,
  file: string,
  holder: Omit<LockHolder, 'since'>,
  waitMs: number,
): Promise<string> {
  const token = randomUUID();
  const tryTake = db.transaction((): LockAttempt<true> => {
    const current = st.lockGet.get() as LockRow | undefined;
    if (current && !isStaleHolder(current)) return { holder: current };
    st.lockSet.run(holder.pid, holder.host, holder.command, new Date().toISOString(), token);
    return { taken: true };
  });
  const attempt = (): LockAttempt<true> => {
    try {
      return tryTake.immediate();
    } catch (error) {
      throw mapSqliteError(error, file, 'taking the lock');
    }
  };
  await waitForLock(attempt, waitMs, `"${file}"`);
  return token;
}

/** Deletes the lock row only if it is still the holding identified by `token` (not taken over since). */
export function releaseSqliteLock(st: Statements, token: string): void {
  st.lockRelease.run(token);
}

/** The current holder of the lock row, or null when the lock is free. */
export function readSqliteLock(st: Statements): LockHolder | null {
  const row = st.lockGet.get() as LockRow | undefined;
  if (!row) return null;
  return { pid: row.pid, host: row.host, command: row.command, since: row.since };
}
