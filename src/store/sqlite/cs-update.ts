import type Database from 'better-sqlite3';
import type { CsObject } from '../../core/connector-space.js';
import { CS_FIELD_COLUMNS, csColumnValue, csToParams, type CS_COLUMNS } from './cs-rows.js';

type CsColumn = (typeof CS_COLUMNS)[number];

/** What a CS write touched, so that the import mark and attribute index are rewritten only when needed. */
export interface CsWrite {
  readonly mark: boolean;
  readonly image: boolean;
}

const WHOLE: CsWrite = { mark: true, image: true };

/**
 * Writes CS objects: whole (the upsert) or, with the fields that changed since the object was read,
 * only their columns. An `UPDATE` leaves the row's other columns, and every index built on them,
 * untouched: a sync that links an object no longer re-encodes its export parts nor rewrites its
 * anchor index entry, which at 100k objects is a random page per object in each commit.
 */
export class CsWriter {
  readonly #updates = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly upsert: Database.Statement,
  ) {}

  write(cs: CsObject, changed: ReadonlySet<keyof CsObject> | undefined): CsWrite {
    if (changed === undefined || changed.has('id') || changed.has('connector')) return this.#whole(cs);
    const columns: CsColumn[] = [];
    for (const field of changed) {
      const owned = CS_FIELD_COLUMNS[field];
      if (owned) columns.push(...owned);
    }
    const write = {
      mark: changed.has('lastImportRun'),
      image: changed.has('synchronizedHologram') || changed.has('pendingImport'),
    };
    // Nothing but the import mark: still confirm that the row is there.
    if (columns.length === 0) columns.push('modified_at');
    const result = this.#update(columns).run(...columns.map((column) => csColumnValue(cs, column)), cs.id);
    // Not stored after all (the hint was wrong): write it whole.
    return result.changes === 0 ? this.#whole(cs) : write;
  }

  #whole(cs: CsObject): CsWrite {
    this.upsert.run(csToParams(cs));
    return WHOLE;
  }

  #update(columns: readonly CsColumn[]): Database.Statement {
    const key = columns.join(',');
    let statement = this.#updates.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(`UPDATE cs_objects SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`);
      this.#updates.set(key, statement);
    }
    return statement;
  }
}
