import type Database from 'better-sqlite3';
import type { IndexEntry } from '../shared/index.js';
import type { CS_COLUMNS } from './cs-rows.js';

export type CsColumn = (typeof CS_COLUMNS)[number];

/** One CS write, encoded: the whole row, or the columns of the fields that changed since it was read. */
export interface EncodedCs {
  readonly id: string;
  /** Columns to update; null: the whole row (`CS_COLUMNS` order), inserted or replaced. */
  readonly columns: readonly CsColumn[] | null;
  readonly values: readonly unknown[];
  /** The import mark to write (a run id, or null to remove it); absent: left as it is. */
  readonly mark?: number | null;
  /** The attribute-index entries of the object's image, when the image was written and is indexed. */
  readonly index?: { readonly connector: string; readonly entries: readonly IndexEntry[] };
}

/**
 * Writes encoded CS objects: whole (the upsert) or, with the fields that changed since the object
 * was read, only their columns. An `UPDATE` leaves the row's other columns, and every index built
 * on them, untouched: a sync that links an object no longer re-encodes its export parts nor
 * rewrites its anchor index entry, which at 100k objects is a random page per object in each commit.
 */
export class CsWriter {
  readonly #updates = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly upsert: Database.Statement,
  ) {}

  /** False when a changed-fields write found no row (the hint was wrong): the caller writes it whole. */
  write(cs: EncodedCs): boolean {
    if (cs.columns === null) {
      this.upsert.run(cs.values);
      return true;
    }
    return this.#update(cs.columns).run(...cs.values, cs.id).changes > 0;
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
