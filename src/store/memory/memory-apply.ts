import type { CsObject } from '../../core/connector-space.js';
import { StoreError } from '../../core/errors.js';
import type { MvObject } from '../../core/metaverse.js';
import type { DanglingReference, StoreChangeSet } from '../../core/state-store.js';
import { validateChangeSet } from '../shared/index.js';
import { store, type MemoryState, type Stored } from './memory-state.js';

/** A change set checked and serialized: committing it cannot fail. */
export interface PreparedChangeSet {
  readonly changes: StoreChangeSet;
  readonly mv: readonly Stored<MvObject>[];
  readonly cs: readonly Stored<CsObject>[];
}

/** Validates and copies everything the change set writes; throws `StoreError` before any write. */
export function prepareChangeSet(state: MemoryState, changes: StoreChangeSet): PreparedChangeSet {
  validateChangeSet(changes);
  const runIssues = changes.runIssues;
  if (runIssues && !state.runs.has(runIssues.runId)) {
    throw new StoreError(`change set rejected: run ${runIssues.runId} does not exist (run issues)`);
  }
  const { csUpserts, mvUpserts, ...rest } = changes;
  return {
    changes: store<StoreChangeSet>(rest).value,
    mv: (mvUpserts ?? []).map((mv) => store(mv)),
    cs: (csUpserts ?? []).map((cs) => store(cs)),
  };
}

/** Writes a prepared change set, in the order the SQLite store uses. */
export function commitChangeSet(state: MemoryState, prepared: PreparedChangeSet): void {
  const { changes } = prepared;
  for (const mv of prepared.mv) {
    state.mv.set(mv.value.id, mv);
    state.indexMv(mv.value);
  }
  for (const cs of prepared.cs) {
    state.cs.set(cs.value.id, cs);
    state.indexCs(cs.value);
  }
  const marks = changes.csImportMarks;
  for (const id of marks?.ids ?? []) {
    const stored = state.cs.get(id);
    if (stored && marks) state.cs.set(id, store<CsObject>({ ...stored.value, lastImportRun: marks.runId }));
  }
  for (const id of changes.csDeletes ?? []) {
    state.cs.delete(id);
    state.csIndex.remove(id);
    state.deleteDanglingFor('in', id);
  }
  for (const id of changes.mvDeletes ?? []) {
    state.mv.delete(id);
    state.mvIndex.remove(id);
    state.deleteDanglingFor('out', id);
  }
  const dangling = changes.danglingReferences;
  if (dangling) {
    for (const r of dangling.replaceFor) state.deleteDanglingFor(r.direction, r.referrerId);
    for (const r of dangling.add) state.dangling.set(danglingSlot(r), { ...r });
  }
  if (changes.watermark) {
    const { connector, value } = changes.watermark;
    if (value === null) state.watermarks.delete(connector);
    else state.watermarks.set(connector, value);
  }
  if (changes.runIssues) {
    const { runId, issues } = changes.runIssues;
    const run = state.runs.get(runId);
    for (const issue of issues) run?.issues.push({ ...issue, runId });
  }
}

function danglingSlot(r: DanglingReference): string {
  return [r.direction, r.connector, r.key, r.referrerId].join('\u0000');
}
