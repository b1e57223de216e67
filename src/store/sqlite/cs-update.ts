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

/** In an UPDATE's column list: the synchronized hologram becomes the stored pending import's text. */
const MOVED_IMAGE = '<synchronized_hologram';

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

  /**
   * `isAppliedImport`: the new synchronized hologram is the stored pending import's entry, and the
   * pending import is cleared; the UPDATE then moves the stored text (SQLite evaluates every SET
   * expression against the row before the update) instead of encoding the image again.
   */
  write(cs: CsObject, changed: ReadonlySet<keyof CsObject> | undefined, isAppliedImport = false): CsWrite {
    if (changed === undefined || changed.has('id') || changed.has('connector')) return this.#whole(cs);
    const isMove = isAppliedImport && changed.has('pendingImport') && cs.pendingImport === null;
    // The statement's key is its column list (a moved column is marked with `<`); values are
    // gathered in the same pass.
    let key = '';
    const values: unknown[] = [];
    for (const field of changed) {
      const owned = CS_FIELD_COLUMNS[field];
      if (!owned) continue;
      for (const column of owned) {
        if (isMove && column === 'synchronized_hologram') {
          key = key === '' ? MOVED_IMAGE : `${key},${MOVED_IMAGE}`;
          continue;
        }
        key = key === '' ? column : `${key},${column}`;
        values.push(csColumnValue(cs, column));
      }
    }
    const write = {
      mark: changed.has('lastImportRun'),
      image: changed.has('synchronizedHologram') || changed.has('pendingImport'),
    };
    // Nothing but the import mark: still confirm that the row is there.
    if (key === '') {
      key = 'modified_at';
      values.push(csColumnValue(cs, 'modified_at'));
    }
    const result = this.#update(key).run(...values, cs.id);
    // Not stored after all (the hint was wrong): write it whole.
    return result.changes === 0 ? this.#whole(cs) : write;
  }

  #whole(cs: CsObject): CsWrite {
    this.upsert.run(csToParams(cs));
    return WHOLE;
  }

  /** The UPDATE of the columns listed in `key` (comma-separated `CS_COLUMNS` names or `MOVED_IMAGE`). */
  #update(key: string): Database.Statement {
    let statement = this.#updates.get(key);
    if (statement === undefined) {
      const columns = key.split(',') as (CsColumn | typeof MOVED_IMAGE)[];
      const sets = columns.map((c) => (c === MOVED_IMAGE ? 'synchronized_hologram = pending_import' : `${c} = ?`));
      statement = this.db.prepare(`UPDATE cs_objects SET ${sets.join(', ')} WHERE id = ?`);
      this.#updates.set(key, statement);
    }
    return statement;
  }
}
