import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CsObject } from '../../core/connector-space.js';
import { StoreError } from '../../core/errors.js';
import { describeStateStoreContract } from '../../../test/contracts/state-store.contract.js';
import { csObject, guid } from '../../../test/contracts/state-store/fixtures.js';
import { csWhere } from './query-sql.js';
import { SCHEMA_VERSION } from './schema.js';
import { openSqliteStateStore } from './open-sqlite-state-store.js';

describeStateStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'idsync-store-'));
  const path = join(dir, 'nested', 'state.db');
  return {
    store: await openSqliteStateStore({ path }),
    reopen: () => openSqliteStateStore({ path }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('SqliteStateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idsync-sqlite-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records each applied schema migration in schema_migrations', async () => {
    const path = join(dir, 'state.db');
    await (await openSqliteStateStore({ path })).close();
    const db = new Database(path, { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    db.close();
    expect(versions).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('refuses a database whose schema is newer than this code, naming the file and both versions', async () => {
    const path = join(dir, 'state.db');
    await (await openSqliteStateStore({ path })).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations (version, description, applied_at) VALUES (99, 'future', 't')").run();
    db.close();
    const error = await openSqliteStateStore({ path }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(path);
    expect((error as StoreError).message).toContain('99');
    expect((error as StoreError).message).toContain(`version ${SCHEMA_VERSION}`);
  });

  it('refuses a file that is not an SQLite database, naming the file', async () => {
    const path = join(dir, 'garbage.db');
    await writeFile(
      path,
      'this is not a database, just some text that is long enough to look like a header'.repeat(20),
    );
    const error = await openSqliteStateStore({ path }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(path);
    expect((error as StoreError).message).toMatch(/not an SQLite database/);
  });

  it('rolls back every row of a change set when SQLite rejects one midway', async () => {
    const store = await openSqliteStateStore({ path: join(dir, 'state.db') });
    try {
      const broken = { ...csObject(2), objectType: null } as unknown as CsObject;
      const apply = store.apply({
        csUpserts: [csObject(1), broken, csObject(3)],
        watermark: { connector: 'corp-ad', value: 'w' },
      });
      await expect(apply).rejects.toMatchObject({ name: 'StoreError', cause: expect.anything() });
      expect(await store.getCsObjects([guid(1), guid(2), guid(3)])).toEqual([]);
      expect(await store.getWatermark('corp-ad')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('serves pending-import, pending-export and error scans from the partial indexes', async () => {
    const path = join(dir, 'state.db');
    await (await openSqliteStateStore({ path })).close();
    const db = new Database(path, { readonly: true });
    const plan = (query: Parameters<typeof csWhere>[1]): string => {
      const where = csWhere('corp-ad', query);
      const sql = `EXPLAIN QUERY PLAN SELECT id FROM cs_objects WHERE ${where.sql} AND id > ? ORDER BY id LIMIT ?`;
      return (db.prepare(sql).all(...where.params, '', 100) as { detail: string }[]).map((r) => r.detail).join('; ');
    };
    try {
      expect(plan({ hasPendingImport: true })).toContain('cs_pending_import');
      expect(plan({ hasPendingExport: true })).toContain('cs_unapplied_export');
      expect(plan({ pendingExportOperations: ['add'] })).toContain('cs_unapplied_export');
      expect(plan({ hasEscrowedExport: true })).toContain('cs_escrowed_export');
      expect(plan({ hasExportError: true })).toContain('cs_export_error');
      expect(plan({ hasImportError: true })).toContain('cs_import_error');
    } finally {
      db.close();
    }
  });

  it('shares the lock between two stores opened on the same file', async () => {
    const path = join(dir, 'state.db');
    const first = await openSqliteStateStore({ path });
    const second = await openSqliteStateStore({ path });
    try {
      await first.acquireLock({ pid: process.pid, host: (await import('node:os')).hostname(), command: 'first' }, 0);
      await expect(second.acquireLock({ pid: process.pid, host: 'h', command: 'second' }, 100)).rejects.toMatchObject({
        isBusy: true,
        message: expect.stringContaining(path),
      });
      await first.close();
      await second.acquireLock({ pid: process.pid, host: 'h', command: 'second' }, 0);
      expect((await second.readLock())?.command).toBe('second');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
