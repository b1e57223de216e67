import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CsObject } from '../../core/connector-space.js';
import { StoreError } from '../../core/errors.js';
import { describeStateStoreContract } from '../../../test/contracts/state-store.contract.js';
import { normalizeDn } from '../../core/dn.js';
import { stringifyWithValues } from '../../core/value-codec.js';
import { csObject, fullTowerObject, guid } from '../../../test/contracts/state-store/fixtures.js';
import { csWhere } from './query-sql.js';
import { migrate, SCHEMA_VERSION } from './schema.js';
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

describeStateStoreContract('sqlite, checkpointing in the background', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'idsync-store-'));
  const path = join(dir, 'state.db');
  return {
    store: await openSqliteStateStore({ path, checkpointInBackground: true }),
    reopen: () => openSqliteStateStore({ path, checkpointInBackground: true }),
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

  it('migrates version 1 pending imports, kept with their operation, to the hologram alone', async () => {
    const path = join(dir, 'state.db');
    const old = new Database(path);
    migrate(old, path, 1);
    const tower = fullTowerObject(1);
    const insert = old.prepare(
      `INSERT INTO cs_objects (id, connector, dn, dn_norm, object_type, connector_state, is_provisioned, modified_at,
         pending_import, pending_import_op) VALUES (?, 'corp-ad', ?, ?, 'user', 'normal', 0, 't', ?, ?)`,
    );
    insert.run(guid(1), tower.dn, normalizeDn(tower.dn), stringifyWithValues(tower.pendingImport), 'update');
    insert.run(
      guid(2),
      'CN=Gone,DC=x',
      'cn=gone,dc=x',
      stringifyWithValues({ operation: 'delete', entry: null }),
      'delete',
    );
    old.close();
    const store = await openSqliteStateStore({ path });
    try {
      const byId = new Map((await store.getCsObjects([guid(1), guid(2)])).map((cs) => [cs.id, cs]));
      expect(byId.get(guid(1))?.pendingImport).toEqual(tower.pendingImport);
      expect(byId.get(guid(2))?.pendingImport).toEqual({ operation: 'delete', entry: null });
      expect(await store.countCs('corp-ad', { hasPendingImport: true })).toBe(2);
    } finally {
      await store.close();
    }
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

  it('serves pending-import, pending-export and error scans from the partial indexes, and other counts in id order', async () => {
    const path = join(dir, 'state.db');
    await (await openSqliteStateStore({ path })).close();
    const db = new Database(path, { readonly: true });
    const plan = (query: Parameters<typeof csWhere>[1]): string => {
      const where = csWhere('corp-ad', query);
      const sql = `EXPLAIN QUERY PLAN SELECT id FROM ${where.from} WHERE ${where.sql} AND id > ? ORDER BY id LIMIT ?`;
      return (db.prepare(sql).all(...where.params, '', 100) as { detail: string }[]).map((r) => r.detail).join('; ');
    };
    const countPlanOf = (query: Parameters<typeof csWhere>[1]): string => {
      const where = csWhere('corp-ad', query);
      const sql = `EXPLAIN QUERY PLAN SELECT COUNT(*) FROM ${where.from} WHERE ${where.sql}`;
      return (db.prepare(sql).all(...where.params) as { detail: string }[]).map((r) => r.detail).join('; ');
    };
    try {
      expect(plan({ hasPendingImport: true })).toContain('cs_pending_import');
      expect(plan({ hasPendingExport: true })).toContain('cs_unapplied_export');
      expect(plan({ pendingExportOperations: ['add'] })).toContain('cs_unapplied_export');
      expect(plan({ hasEscrowedExport: true })).toContain('cs_escrowed_export');
      expect(plan({ hasExportError: true })).toContain('cs_export_error');
      expect(plan({ hasImportError: true })).toContain('cs_import_error');
      // Counts with no indexed term read the rows in id order, not in the anchor index's order.
      expect(countPlanOf({ hasImage: false })).toContain('cs_connector_id');
      expect(countPlanOf({ objectType: 'group', hasPendingImport: false })).toContain('cs_connector_id');
      expect(countPlanOf({ hasPendingImport: true })).toContain('cs_pending_import');
      expect(countPlanOf({ isConnector: true })).toContain('COVERING INDEX');
      expect(countPlanOf({ anchor: 'a' })).toContain('cs_connector_anchor');
      const countPlan = (
        db
          .prepare(
            `EXPLAIN QUERY PLAN SELECT unapplied_export_op AS op, COUNT(*) AS n FROM cs_objects
             INDEXED BY cs_unapplied_export_op WHERE connector = ? AND unapplied_export_op IS NOT NULL
             GROUP BY unapplied_export_op`,
          )
          .all('corp-ad') as { detail: string }[]
      )
        .map((r) => r.detail)
        .join('; ');
      expect(countPlan).toContain('COVERING INDEX cs_unapplied_export_op');
    } finally {
      db.close();
    }
  });

  it('checkpoints the WAL in its worker thread, and removes the WAL on close', async () => {
    const path = join(dir, 'state.db');
    const store = await openSqliteStateStore({ path, checkpointInBackground: true });
    const sizeBefore = (await stat(path)).size;
    // About 8 MB of rows: far below the writer's own checkpoint threshold (1 GB with the worker).
    const big = 'x'.repeat(4000);
    for (let batch = 0; batch < 10; batch++) {
      const csUpserts = Array.from({ length: 200 }, (_, i) =>
        csObject(batch * 200 + i + 1, {
          synchronizedHologram: { dn: 'CN=x', objectType: 'user', attributes: { description: [big] } },
        }),
      );
      await store.apply({ csUpserts });
    }
    // Only the worker copies WAL frames into the database file before close.
    const deadline = Date.now() + 10_000;
    while ((await stat(path)).size <= sizeBefore + 4_000_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await stat(path)).size).toBeGreaterThan(sizeBefore + 4_000_000);
    await store.close();
    await expect(stat(`${path}-wal`)).rejects.toMatchObject({ code: 'ENOENT' });
    const reopened = await openSqliteStateStore({ path });
    try {
      expect(await reopened.countCs(csObject(1).connector, {})).toBe(2000);
      expect((await reopened.getCsObjects([guid(2000)]))[0]?.synchronizedHologram?.attributes.description).toEqual([
        big,
      ]);
    } finally {
      await reopened.close();
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
