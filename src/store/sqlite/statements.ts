import type Database from 'better-sqlite3';

import { CS_COLUMNS, CS_SELECT_LIST } from './cs-rows.js';

const csColumnList = CS_COLUMNS.join(', ');
const csUpsertSql =
  `INSERT INTO cs_objects (${csColumnList}) VALUES (${CS_COLUMNS.map(() => '?').join(', ')}) ` +
  `ON CONFLICT (id) DO UPDATE SET ${CS_COLUMNS.filter((c) => c !== 'id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

/**
 * Every fixed statement, prepared once per connection. Lists are bound as one JSON array
 * (`json_each`). Lookups name their index: without statistics the planner would rather walk the
 * (connector, id) index of a whole connector space than sort a handful of rows by id.
 */
export function prepareStatements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    csUpsert: p(csUpsertSql),
    csDelete: p('DELETE FROM cs_objects WHERE id = ?'),
    importMarkSet: p('INSERT OR REPLACE INTO cs_import_marks (id, run) VALUES (?, ?)'),
    importMarkDelete: p('DELETE FROM cs_import_marks WHERE id = ?'),
    importMarkMany: p('INSERT OR REPLACE INTO cs_import_marks (id, run) SELECT value, ? FROM json_each(?)'),
    csByIds: p(`SELECT ${CS_SELECT_LIST} FROM cs_objects WHERE id IN (SELECT value FROM json_each(?))`),
    csByAnchors: p(
      `SELECT ${CS_SELECT_LIST} FROM cs_objects INDEXED BY cs_connector_anchor WHERE connector = ? AND anchor IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ),
    csByDns: p(
      `SELECT ${CS_SELECT_LIST} FROM cs_objects INDEXED BY cs_connector_dn WHERE connector = ? AND dn_norm IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ),
    csLinksByDns: p(
      `SELECT id, dn, dn_norm, mv_id FROM cs_objects INDEXED BY cs_connector_dn WHERE connector = ? AND dn_norm IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ),
    csLinksByMvIds: p(
      `SELECT id, dn, mv_id FROM cs_objects INDEXED BY cs_mv_id WHERE mv_id IN (SELECT value FROM json_each(?)) AND connector = ? ORDER BY id`,
    ),
    csByMvIds: p(
      `SELECT ${CS_SELECT_LIST} FROM cs_objects INDEXED BY cs_mv_id WHERE mv_id IN (SELECT value FROM json_each(?))
       AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY id`,
    ),
    // Per operation from the index alone; only updates are read again, to tell renames apart.
    csPendingExportCounts: p(
      `SELECT unapplied_export_op AS op, COUNT(*) AS n FROM cs_objects INDEXED BY cs_unapplied_export_op
       WHERE connector = ? AND unapplied_export_op IS NOT NULL GROUP BY unapplied_export_op`,
    ),
    csPendingRenameCount: p(
      `SELECT COUNT(*) AS n FROM cs_objects INDEXED BY cs_unapplied_export_op
       WHERE connector = ? AND unapplied_export_op = 'update'
         AND json_extract(unapplied_export, '$.newDn') IS NOT NULL`,
    ),
    csIndexDeleteOwner: p('DELETE FROM cs_attr_index WHERE cs_id = ?'),
    csIndexOfOwner: p('SELECT attribute, key FROM cs_attr_index WHERE cs_id = ?'),
    csIndexDelete: p('DELETE FROM cs_attr_index WHERE connector = ? AND attribute = ? AND key = ? AND cs_id = ?'),
    csIndexInsert: p('INSERT OR IGNORE INTO cs_attr_index (connector, attribute, key, cs_id) VALUES (?, ?, ?, ?)'),
    csIndexFind: p(
      `SELECT key, cs_id AS id FROM cs_attr_index
       WHERE connector = ? AND attribute = ? AND key IN (SELECT value FROM json_each(?)) ORDER BY key, cs_id`,
    ),
    csIndexClearConnector: p('DELETE FROM cs_attr_index WHERE connector = ?'),
    csImagesPage: p(
      `SELECT id, synchronized_hologram, pending_import FROM cs_objects
       WHERE connector = ? AND id > ? ORDER BY id LIMIT ?`,
    ),

    mvUpsert: p(
      `INSERT INTO mv_objects (id, object_type, attributes, contributions, modified_at)
       VALUES (@id, @object_type, @attributes, @contributions, @modified_at)
       ON CONFLICT (id) DO UPDATE SET object_type = excluded.object_type, attributes = excluded.attributes,
         contributions = excluded.contributions, modified_at = excluded.modified_at`,
    ),
    mvDelete: p('DELETE FROM mv_objects WHERE id = ?'),
    mvByIds: p('SELECT * FROM mv_objects WHERE id IN (SELECT value FROM json_each(?))'),
    mvIndexDeleteOwner: p('DELETE FROM mv_attr_index WHERE mv_id = ?'),
    mvIndexOfOwner: p('SELECT attribute, key FROM mv_attr_index WHERE mv_id = ?'),
    mvIndexDelete: p('DELETE FROM mv_attr_index WHERE attribute = ? AND key = ? AND mv_id = ?'),
    mvIndexInsert: p('INSERT OR IGNORE INTO mv_attr_index (attribute, key, mv_id) VALUES (?, ?, ?)'),
    mvIndexFind: p(
      `SELECT key, mv_id AS id FROM mv_attr_index
       WHERE attribute = ? AND key IN (SELECT value FROM json_each(?)) ORDER BY key, mv_id`,
    ),
    mvIndexClear: p('DELETE FROM mv_attr_index'),
    mvAttributesPage: p('SELECT id, attributes FROM mv_objects WHERE id > ? ORDER BY id LIMIT ?'),

    indexConfigGet: p('SELECT indexes FROM index_config WHERE id = 1'),
    indexConfigSet: p('INSERT OR REPLACE INTO index_config (id, indexes) VALUES (1, ?)'),

    danglingDeleteFor: p('DELETE FROM dangling_references WHERE direction = ? AND referrer_id = ?'),
    danglingAnyOf: p('SELECT 1 FROM dangling_references WHERE direction = ? LIMIT 1'),
    danglingInsert: p(
      'INSERT OR IGNORE INTO dangling_references (direction, connector, key, referrer_id) VALUES (?, ?, ?, ?)',
    ),
    danglingFind: p(
      `SELECT direction, connector, key, referrer_id FROM dangling_references
       WHERE direction = ? AND connector = ? AND key IN (SELECT value FROM json_each(?)) ORDER BY key, referrer_id`,
    ),

    watermarkGet: p('SELECT value FROM watermarks WHERE connector = ?'),
    watermarkSet: p('INSERT OR REPLACE INTO watermarks (connector, value, updated_at) VALUES (?, ?, ?)'),
    watermarkClear: p('DELETE FROM watermarks WHERE connector = ?'),

    runInsert: p(
      `INSERT INTO runs (connector, run_profile, started_at, ended_at, status, counters, message)
       VALUES (?, ?, ?, NULL, 'in-progress', ?, NULL)`,
    ),
    runExists: p('SELECT 1 AS found FROM runs WHERE id = ?'),
    runFinish: p('UPDATE runs SET status = ?, ended_at = ?, counters = ?, message = ? WHERE id = ?'),
    runGet: p(
      'SELECT runs.*, (SELECT COUNT(*) FROM run_issues WHERE run_id = runs.id) AS issue_count FROM runs WHERE id = ?',
    ),
    runList: p(
      `SELECT runs.*, (SELECT COUNT(*) FROM run_issues WHERE run_id = runs.id) AS issue_count FROM runs
       WHERE (@connector IS NULL OR connector = @connector) ORDER BY id DESC LIMIT @limit`,
    ),
    runIssueNextSeq: p('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM run_issues WHERE run_id = ?'),
    runIssueInsert: p(
      `INSERT INTO run_issues (run_id, seq, code, message, cs_id, mv_id, dn, rule, attribute)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    runIssueList: p('SELECT * FROM run_issues WHERE run_id = ? ORDER BY seq LIMIT ?'),

    settingGet: p('SELECT value FROM settings WHERE key = ?'),
    settingSet: p('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)'),
    settingDelete: p('DELETE FROM settings WHERE key = ?'),

    lockGet: p('SELECT pid, host, command, since, token FROM lock WHERE id = 1'),
    lockSet: p('INSERT OR REPLACE INTO lock (id, pid, host, command, since, token) VALUES (1, ?, ?, ?, ?, ?)'),
    lockRelease: p('DELETE FROM lock WHERE id = 1 AND token = ?'),
  };
}

/** The prepared statements of one connection. */
export type Statements = ReturnType<typeof prepareStatements>;
