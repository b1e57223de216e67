import { normalizeDn } from '../../core/dn.js';
import type { CsQuery, MvQuery } from '../../core/state-store.js';

/** A WHERE clause and its parameters. The SQL text depends only on which criteria are set, so it caches well. */
export interface WhereClause {
  readonly sql: string;
  readonly params: unknown[];
}

/** SQL function registered on the connection that evaluates the attribute part of an `MvQuery`. */
export const MV_MATCH_FUNCTION = 'idsync_mv_matches';

/** A `CsQuery` clause, with the table reference (and the index) it is read through. */
export interface CsWhereClause extends WhereClause {
  readonly from: string;
}

/**
 * `CsQuery` as SQL over `cs_objects`. Presence tests are written exactly as the partial indexes'
 * WHERE terms (`pending_import IS NOT NULL`, ...) so that SQLite scans only the matching rows.
 * When no term has an index of its own, the rows are read through `cs_connector_id`, in id order:
 * left to choose among the connector's indexes, SQLite (without statistics) took the anchor index,
 * whose order puts every row on a random page (counting the 1.1M objects of a connector that await
 * their first import took 6.3 s that way, 0.7 s in id order).
 */
export function csWhere(connector: string, query: CsQuery): CsWhereClause {
  const terms = ['connector = ?'];
  const params: unknown[] = [connector];
  let isIndexed = query.dn !== undefined || query.anchor !== undefined;
  const presence = (column: string, wanted: boolean | undefined): void => {
    if (wanted === undefined) return;
    terms.push(`${column} IS ${wanted ? 'NOT NULL' : 'NULL'}`);
    // Each presence column has a partial index on its presence (`cs_mv_id` for `mv_id`).
    if (wanted) isIndexed = true;
  };
  presence('pending_import', query.hasPendingImport);
  if (query.hasImage !== undefined) {
    terms.push(
      query.hasImage
        ? '(pending_import IS NOT NULL OR synchronized_hologram IS NOT NULL)'
        : 'pending_import IS NULL AND synchronized_hologram IS NULL',
    );
  }
  presence('unapplied_export', query.hasPendingExport);
  if (query.pendingExportOperations !== undefined) {
    isIndexed = true;
    if (query.hasPendingExport !== true) terms.push('unapplied_export IS NOT NULL');
    terms.push('unapplied_export_op IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(query.pendingExportOperations));
  }
  presence('escrowed_export', query.hasEscrowedExport);
  presence('export_error', query.hasExportError);
  presence('import_error', query.hasImportError);
  presence('mv_id', query.isConnector);
  if (query.objectType !== undefined) {
    terms.push('object_type = ?');
    params.push(query.objectType);
  }
  if (query.notImportedInRun !== undefined) {
    terms.push('NOT EXISTS (SELECT 1 FROM cs_import_marks m WHERE m.id = cs_objects.id AND m.run = ?)');
    params.push(query.notImportedInRun);
  }
  if (query.dn !== undefined) {
    terms.push('dn_norm = ?');
    params.push(normalizeDn(query.dn));
  }
  if (query.anchor !== undefined) {
    terms.push('anchor = ?');
    params.push(query.anchor);
  }
  return {
    sql: terms.join(' AND '),
    params,
    from: isIndexed ? 'cs_objects' : 'cs_objects INDEXED BY cs_connector_id',
  };
}

/** `MvQuery` as SQL over `mv_objects`; the attribute criteria go through `MV_MATCH_FUNCTION`. */
export function mvWhere(query: MvQuery): WhereClause {
  const terms: string[] = [];
  const params: unknown[] = [];
  if (query.objectType !== undefined) {
    terms.push('object_type = ?');
    params.push(query.objectType);
  }
  if (query.attribute !== undefined || query.value !== undefined) {
    terms.push(`${MV_MATCH_FUNCTION}(attributes, ?, ?) = 1`);
    params.push(query.attribute ?? null, query.value ?? null);
  }
  return { sql: terms.length > 0 ? terms.join(' AND ') : '1 = 1', params };
}
