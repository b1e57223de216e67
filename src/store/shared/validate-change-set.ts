import { StoreError } from '../../core/errors.js';
import type { StoreChangeSet } from '../../core/state-store.js';

/**
 * Rejects a change set that no store may write, before anything is written: objects without an id,
 * CS objects without a connector, issues for a run id that is not an integer. Every store calls this
 * first, so that an invalid item aborts the whole change set in every implementation alike.
 */
export function validateChangeSet(changes: StoreChangeSet): void {
  for (const [index, cs] of (changes.csUpserts ?? []).entries()) {
    if (typeof cs.id !== 'string' || cs.id === '') {
      throw new StoreError(`change set rejected: csUpserts[${index}] (DN "${cs.dn}") has an empty id`);
    }
    if (typeof cs.connector !== 'string' || cs.connector === '') {
      throw new StoreError(`change set rejected: CS object ${cs.id} has an empty connector`);
    }
  }
  for (const [index, mv] of (changes.mvUpserts ?? []).entries()) {
    if (typeof mv.id !== 'string' || mv.id === '') {
      throw new StoreError(`change set rejected: mvUpserts[${index}] has an empty id`);
    }
  }
  for (const id of [...(changes.csDeletes ?? []), ...(changes.mvDeletes ?? [])]) {
    if (typeof id !== 'string' || id === '') throw new StoreError('change set rejected: a delete has an empty id');
  }
  if (changes.watermark && changes.watermark.connector === '') {
    throw new StoreError('change set rejected: the watermark has an empty connector');
  }
  if (changes.runIssues && !Number.isSafeInteger(changes.runIssues.runId)) {
    throw new StoreError(`change set rejected: run id ${String(changes.runIssues.runId)} is not an integer`);
  }
}
