import type Database from 'better-sqlite3';

import { StoreError } from '../../core/errors.js';

/** One schema step. Versions are consecutive from 1; a step never changes once released. */
interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'connector spaces, metaverse, indexes, watermarks, run history, settings, lock',
    sql: `
      CREATE TABLE cs_objects (
        id TEXT PRIMARY KEY,
        connector TEXT NOT NULL,
        dn TEXT NOT NULL,
        dn_norm TEXT NOT NULL,
        anchor TEXT,
        object_type TEXT NOT NULL,
        mv_id TEXT,
        connector_state TEXT NOT NULL,
        link_rule TEXT,
        is_provisioned INTEGER NOT NULL,
        modified_at TEXT NOT NULL,
        synchronized_hologram TEXT,
        pending_import TEXT,
        pending_import_op TEXT,
        unapplied_export TEXT,
        unapplied_export_op TEXT,
        escrowed_export TEXT,
        export_error TEXT,
        import_error TEXT
      );
      CREATE INDEX cs_connector_id ON cs_objects (connector, id);
      CREATE INDEX cs_connector_anchor ON cs_objects (connector, anchor);
      -- Covering (id, mv_id, dn): reference resolution reads links by DN and by MV id without
      -- touching the wide tower rows, which at scale are random pages outside the cache.
      CREATE INDEX cs_connector_dn ON cs_objects (connector, dn_norm, id, mv_id, dn);
      CREATE INDEX cs_mv_id ON cs_objects (mv_id, connector, id, dn) WHERE mv_id IS NOT NULL;
      CREATE INDEX cs_pending_import ON cs_objects (connector, id) WHERE pending_import IS NOT NULL;
      CREATE INDEX cs_unapplied_export ON cs_objects (connector, id) WHERE unapplied_export IS NOT NULL;
      CREATE INDEX cs_escrowed_export ON cs_objects (connector, id) WHERE escrowed_export IS NOT NULL;
      CREATE INDEX cs_export_error ON cs_objects (connector, id) WHERE export_error IS NOT NULL;
      CREATE INDEX cs_import_error ON cs_objects (connector, id) WHERE import_error IS NOT NULL;

      -- Which import last saw each CS object, apart from the wide rows: marking an unchanged
      -- object as seen then writes a few bytes instead of its whole tower.
      CREATE TABLE cs_import_marks (id TEXT PRIMARY KEY, run INTEGER NOT NULL) WITHOUT ROWID;

      CREATE TABLE mv_objects (
        id TEXT PRIMARY KEY,
        object_type TEXT NOT NULL,
        attributes TEXT NOT NULL,
        contributions TEXT NOT NULL,
        modified_at TEXT NOT NULL
      );
      CREATE INDEX mv_object_type ON mv_objects (object_type, id);

      CREATE TABLE mv_attr_index (
        attribute TEXT NOT NULL,
        key TEXT NOT NULL,
        mv_id TEXT NOT NULL,
        PRIMARY KEY (attribute, key, mv_id)
      ) WITHOUT ROWID;
      CREATE INDEX mv_attr_index_owner ON mv_attr_index (mv_id);

      CREATE TABLE cs_attr_index (
        connector TEXT NOT NULL,
        attribute TEXT NOT NULL,
        key TEXT NOT NULL,
        cs_id TEXT NOT NULL,
        PRIMARY KEY (connector, attribute, key, cs_id)
      ) WITHOUT ROWID;
      CREATE INDEX cs_attr_index_owner ON cs_attr_index (cs_id);

      CREATE TABLE index_config (id INTEGER PRIMARY KEY CHECK (id = 1), indexes TEXT NOT NULL);

      CREATE TABLE dangling_references (
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        connector TEXT NOT NULL,
        key TEXT NOT NULL,
        referrer_id TEXT NOT NULL,
        PRIMARY KEY (direction, connector, key, referrer_id)
      ) WITHOUT ROWID;
      CREATE INDEX dangling_referrer ON dangling_references (direction, referrer_id);

      CREATE TABLE watermarks (connector TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);

      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        connector TEXT NOT NULL,
        run_profile TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL,
        counters TEXT NOT NULL,
        message TEXT
      );
      CREATE INDEX runs_connector ON runs (connector, id);

      CREATE TABLE run_issues (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        cs_id TEXT,
        mv_id TEXT,
        dn TEXT,
        rule TEXT,
        attribute TEXT,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;

      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE lock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        command TEXT NOT NULL,
        since TEXT NOT NULL,
        token TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'pending_import holds the pending-import hologram alone (its operation is in pending_import_op)',
    // A sync that applies a pending import then moves the column into synchronized_hologram in SQL
    // instead of encoding the image again. A delete's hologram is the JSON text null.
    sql: `
      UPDATE cs_objects SET pending_import = COALESCE(json_extract(pending_import, '$.entry'), 'null')
        WHERE pending_import IS NOT NULL;
    `,
  },
  {
    version: 3,
    description: 'pending exports counted per operation from an index',
    // Counting a connector's pending exports read every row with one (a staging-mode cycle and
    // every export do): 11 s for 1.1M pending adds. Only updates still need the row (renames).
    // unapplied_export_op is set exactly when unapplied_export is, and keeps the index covering.
    sql: `
      CREATE INDEX cs_unapplied_export_op ON cs_objects (connector, unapplied_export_op)
        WHERE unapplied_export_op IS NOT NULL;
    `,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema up to `target` (`SCHEMA_VERSION`; tests build older databases with a lower
 * one), one transaction per step, each recorded in `schema_migrations`. Refuses a database written
 * by a newer idsync.
 */
export function migrate(db: Database.Database, file: string, target = SCHEMA_VERSION): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  const current = row.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new StoreError(
      `state store "${file}" has schema version ${current}, newer than version ${SCHEMA_VERSION} ` +
        'supported by this idsync; upgrade idsync to open it',
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)');
  const readVersion = db.prepare('SELECT MAX(version) AS version FROM schema_migrations');
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      // Another process may have migrated since the first read: re-check under the write lock.
      const latest = (readVersion.get() as { version: number | null }).version ?? 0;
      if (latest >= migration.version) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, new Date().toISOString());
    }).immediate();
  }
}
