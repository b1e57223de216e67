import { currentImage, type CsObject } from '../../core/connector-space.js';
import { StoreError } from '../../core/errors.js';
import type { StoreChangeSet, StoreIndexes } from '../../core/state-store.js';
import { indexEntriesOf, type IndexEntry } from '../shared/index.js';
import type { AttributeIndexer } from './attr-index.js';
import type { CsColumn, CsWriter, EncodedCs } from './cs-update.js';
import { CS_FIELD_COLUMNS, csColumnValue, csToParams, mvToRow, type MvRow } from './cs-rows.js';
import { issueParams } from './run-rows.js';
import type { Statements } from './statements.js';

/** One MV write, encoded, with its attribute-index entries when the metaverse has indexed attributes. */
export interface EncodedMv {
  readonly row: MvRow;
  readonly index?: readonly IndexEntry[];
}

/**
 * A change set with its objects already encoded as rows and index entries: what is left is SQL.
 * Encoding needs no database, so it can happen on one thread and the writing on another.
 */
export interface EncodedChangeSet {
  /** The index configuration the entries were computed with (JSON); the writer checks it. */
  readonly indexes: string;
  readonly mv: readonly EncodedMv[];
  readonly cs: readonly EncodedCs[];
  readonly rest: Omit<StoreChangeSet, 'csUpserts' | 'csChangedFields' | 'mvUpserts'>;
}

/** Thrown inside the transaction when changed-field writes found no row: re-encode those whole. */
export class MissingCsRows extends Error {
  constructor(readonly ids: readonly string[]) {
    super(`CS objects written by their changed fields are not stored: ${ids.join(', ')}`);
  }
}

/**
 * Encodes a change set. CS objects with a changed-fields hint are encoded as those columns only,
 * unless listed in `whole` (a previous write found no row for them).
 */
export function encodeChangeSet(
  changes: StoreChangeSet,
  indexes: StoreIndexes,
  whole: ReadonlySet<string> = new Set(),
): EncodedChangeSet {
  const { csUpserts, csChangedFields, mvUpserts, ...rest } = changes;
  const mvNames = indexes.mvAttributes;
  return {
    indexes: JSON.stringify(indexes),
    mv: (mvUpserts ?? []).map((mv) =>
      mvNames.length === 0 ? { row: mvToRow(mv) } : { row: mvToRow(mv), index: indexEntriesOf(mv.attributes, mvNames) },
    ),
    cs: (csUpserts ?? []).map((cs) =>
      encodeCs(cs, whole.has(cs.id) ? undefined : csChangedFields?.get(cs.id), indexes),
    ),
    rest,
  };
}

function encodeCs(cs: CsObject, changed: ReadonlySet<keyof CsObject> | undefined, indexes: StoreIndexes): EncodedCs {
  const names = indexes.csAttributes[cs.connector];
  const index = names
    ? { connector: cs.connector, entries: indexEntriesOf(currentImage(cs)?.attributes, names) }
    : null;
  if (changed === undefined || changed.has('id') || changed.has('connector')) {
    const encoded = { id: cs.id, columns: null, values: csToParams(cs), mark: cs.lastImportRun };
    return index ? { ...encoded, index } : encoded;
  }
  const columns: CsColumn[] = [];
  for (const field of changed) {
    const owned = CS_FIELD_COLUMNS[field];
    if (owned) columns.push(...owned);
  }
  // Nothing but the import mark: still confirm that the row is there.
  if (columns.length === 0) columns.push('modified_at');
  return {
    id: cs.id,
    columns,
    values: columns.map((column) => csColumnValue(cs, column)),
    ...(changed.has('lastImportRun') ? { mark: cs.lastImportRun } : {}),
    ...(index && (changed.has('synchronizedHologram') || changed.has('pendingImport')) ? { index } : {}),
  };
}

/**
 * Writes one encoded change set; the caller wraps it in a transaction and, on `MissingCsRows`,
 * rolls back and writes those objects whole. Order: MV upserts, CS upserts, CS deletes, MV
 * deletes (a deleted object's index rows and the dangling references it made go with it),
 * dangling references (replace, then add), the watermark, run issues.
 */
export function writeChangeSet(
  st: Statements,
  indexer: AttributeIndexer,
  csWriter: CsWriter,
  encoded: EncodedChangeSet,
): void {
  if (encoded.indexes !== JSON.stringify(indexer.indexes)) {
    throw new StoreError('change set rejected: the index configuration changed while it was encoded; retry', true);
  }
  for (const { row, index } of encoded.mv) {
    st.mvUpsert.run(row);
    if (index) indexer.setMvEntries(row.id, index, false);
  }
  const missing: string[] = [];
  for (const cs of encoded.cs) {
    if (!csWriter.write(cs)) {
      missing.push(cs.id);
      continue;
    }
    if (cs.mark !== undefined) {
      if (cs.mark === null) st.importMarkDelete.run(cs.id);
      else st.importMarkSet.run(cs.id, cs.mark);
    }
    if (cs.index) indexer.setCsEntries(cs.id, cs.index.connector, cs.index.entries);
  }
  if (missing.length > 0) throw new MissingCsRows(missing);
  const changes = encoded.rest;
  const marks = changes.csImportMarks;
  if (marks && marks.ids.length > 0) st.importMarkMany.run(marks.runId, JSON.stringify(marks.ids));
  for (const id of changes.csDeletes ?? []) {
    st.csDelete.run(id);
    st.importMarkDelete.run(id);
    indexer.unindexCs(id);
    st.danglingDeleteFor.run('in', id);
  }
  for (const id of changes.mvDeletes ?? []) {
    st.mvDelete.run(id);
    indexer.unindexMv(id);
    st.danglingDeleteFor.run('out', id);
  }
  const dangling = changes.danglingReferences;
  if (dangling) {
    for (const r of dangling.replaceFor) st.danglingDeleteFor.run(r.direction, r.referrerId);
    for (const r of dangling.add) st.danglingInsert.run(r.direction, r.connector, r.key, r.referrerId);
  }
  const watermark = changes.watermark;
  if (watermark) {
    if (watermark.value === null) st.watermarkClear.run(watermark.connector);
    else st.watermarkSet.run(watermark.connector, watermark.value, new Date().toISOString());
  }
  const runIssues = changes.runIssues;
  if (runIssues) {
    if (!st.runExists.get(runIssues.runId)) {
      throw new StoreError(`change set rejected: run ${runIssues.runId} does not exist (run issues)`);
    }
    let seq = (st.runIssueNextSeq.get(runIssues.runId) as { seq: number }).seq;
    for (const issue of runIssues.issues) st.runIssueInsert.run(runIssues.runId, seq++, ...issueParams(issue));
  }
}
