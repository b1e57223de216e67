import { StoreError } from '../../core/errors.js';
import type { StoreChangeSet } from '../../core/state-store.js';
import type { AttributeIndexer } from './attr-index.js';
import type { CsWriter } from './cs-update.js';
import { mvToRow } from './cs-rows.js';
import { issueParams } from './run-rows.js';
import type { Statements } from './statements.js';

/**
 * Writes one change set; the caller wraps it in a transaction. Order: MV upserts, CS upserts,
 * CS deletes, MV deletes (a deleted object's index rows and the dangling references it made go
 * with it), dangling references (replace, then add), the watermark, run issues.
 */
export function writeChangeSet(
  st: Statements,
  indexer: AttributeIndexer,
  csWriter: CsWriter,
  changes: StoreChangeSet,
): void {
  for (const mv of changes.mvUpserts ?? []) {
    st.mvUpsert.run(mvToRow(mv));
    indexer.indexMv(mv.id, mv.attributes, false);
  }
  for (const cs of changes.csUpserts ?? []) {
    const written = csWriter.write(
      cs,
      changes.csChangedFields?.get(cs.id),
      changes.csAppliedImports?.has(cs.id) === true,
    );
    if (written.mark) {
      if (cs.lastImportRun === null) st.importMarkDelete.run(cs.id);
      else st.importMarkSet.run(cs.id, cs.lastImportRun);
    }
    if (written.image) indexer.indexCs(cs);
  }
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
    // A sync replaces the dangling references of every object it touched, and nearly always there
    // are none stored: one look per direction instead of a DELETE per object.
    if (dangling.replaceFor.length > 0) {
      const isStored = { in: st.danglingAnyOf.get('in') !== undefined, out: st.danglingAnyOf.get('out') !== undefined };
      for (const r of dangling.replaceFor)
        if (isStored[r.direction]) st.danglingDeleteFor.run(r.direction, r.referrerId);
    }
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
