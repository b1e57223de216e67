import { StoreError } from '../../core/errors.js';

/**
 * The one place where better-sqlite3 / SQLite failures become `StoreError`s. Messages name the
 * database file and the operation; the original error is kept as `cause`.
 */
export function mapSqliteError(error: unknown, file: string, operation: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const where = `state store "${file}"`;
  switch (code) {
    case 'SQLITE_BUSY':
    case 'SQLITE_BUSY_SNAPSHOT':
    case 'SQLITE_BUSY_TIMEOUT':
    case 'SQLITE_LOCKED':
      return new StoreError(`${where}: ${operation} failed: the database is busy (${detail})`, true, { cause: error });
    case 'SQLITE_NOTADB':
      return new StoreError(`${where} is not an SQLite database (${detail})`, false, { cause: error });
    case 'SQLITE_CORRUPT':
      return new StoreError(`${where} is corrupt: ${operation} failed (${detail})`, false, { cause: error });
    case 'SQLITE_CANTOPEN':
      return new StoreError(`${where} cannot be opened (${detail})`, false, { cause: error });
    case 'SQLITE_READONLY':
      return new StoreError(`${where} is read-only: ${operation} failed (${detail})`, false, { cause: error });
    case 'SQLITE_FULL':
      return new StoreError(`${where}: disk full during ${operation} (${detail})`, false, { cause: error });
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return new StoreError(`${where}: ${operation} refers to a missing row (${detail})`, false, { cause: error });
    default:
      if (error instanceof TypeError && /database connection is not open/i.test(detail)) {
        return new StoreError(`${where} is closed: ${operation} failed`, false, { cause: error });
      }
      return new StoreError(`${where}: ${operation} failed: ${detail}`, false, { cause: error });
  }
}

function sqliteCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
