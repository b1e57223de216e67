import { parseWithValues } from '../../core/value-codec.js';
import { currentImage, type CsObject, type Entry } from '../../core/connector-space.js';
import type { StoreIndexes } from '../../core/state-store.js';
import type { Attributes } from '../../core/values.js';
import {
  canonicalIndexes,
  changedIndexConnectors,
  indexEntriesOf,
  type IndexEntry,
  NO_INDEXES,
  sameStringList,
} from '../shared/index.js';
import type { Statements } from './statements.js';

const REBUILD_PAGE = 2000;

/**
 * Keeps `mv_attr_index` and `cs_attr_index` in step with the objects, for the attributes named by
 * `configureIndexes`. Callers run every method inside a transaction.
 */
export class AttributeIndexer {
  #indexes: StoreIndexes = NO_INDEXES;

  constructor(private readonly st: Statements) {
    this.refresh();
  }

  /** Re-reads the stored configuration (another connection may have changed it, or a rollback undone it). */
  refresh(): void {
    const row = this.st.indexConfigGet.get() as { indexes: string } | undefined;
    this.#indexes = row ? (JSON.parse(row.indexes) as StoreIndexes) : NO_INDEXES;
  }

  get indexes(): StoreIndexes {
    return this.#indexes;
  }

  isMvIndexed(attribute: string): boolean {
    return this.#indexes.mvAttributes.includes(attribute);
  }

  isCsIndexed(connector: string, attribute: string): boolean {
    return (this.#indexes.csAttributes[connector] ?? []).includes(attribute);
  }

  /**
   * Re-indexes one CS object after it was written. Writes only the difference to the stored entries:
   * most upserts leave the indexed values as they were.
   */
  indexCs(cs: CsObject): void {
    const names = this.#indexes.csAttributes[cs.connector];
    if (!names) return;
    writeDifference(
      indexEntriesOf(currentImage(cs)?.attributes, names),
      this.st.csIndexOfOwner.all(cs.id) as IndexEntry[],
      (e) => this.st.csIndexInsert.run(cs.connector, e.attribute, e.key, cs.id),
      (e) => this.st.csIndexDelete.run(cs.connector, e.attribute, e.key, cs.id),
    );
  }

  unindexCs(id: string): void {
    this.st.csIndexDeleteOwner.run(id);
  }

  /** Re-indexes one MV object after it was written; `isNew` skips reading stored entries (rebuild). */
  indexMv(id: string, attributes: Attributes, isNew: boolean): void {
    const names = this.#indexes.mvAttributes;
    if (names.length === 0) return;
    writeDifference(
      indexEntriesOf(attributes, names),
      isNew ? [] : (this.st.mvIndexOfOwner.all(id) as IndexEntry[]),
      (e) => this.st.mvIndexInsert.run(e.attribute, e.key, id),
      (e) => this.st.mvIndexDelete.run(e.attribute, e.key, id),
    );
  }

  unindexMv(id: string): void {
    this.st.mvIndexDeleteOwner.run(id);
  }

  /** Stores the new configuration and rebuilds the parts whose attribute set changed. */
  configure(indexes: StoreIndexes): void {
    const next = canonicalIndexes(indexes);
    const previous = this.#indexes;
    this.#indexes = next;
    if (!sameStringList(previous.mvAttributes, next.mvAttributes)) this.#rebuildMv();
    for (const connector of changedIndexConnectors(previous, next)) this.#rebuildCs(connector);
    this.st.indexConfigSet.run(JSON.stringify(next));
  }

  #rebuildMv(): void {
    this.st.mvIndexClear.run();
    if (this.#indexes.mvAttributes.length === 0) return;
    let after = '';
    for (;;) {
      const rows = this.st.mvAttributesPage.all(after, REBUILD_PAGE) as { id: string; attributes: string }[];
      for (const row of rows) this.indexMv(row.id, parseWithValues<Attributes>(row.attributes), true);
      const last = rows.at(-1);
      if (!last || rows.length < REBUILD_PAGE) return;
      after = last.id;
    }
  }

  #rebuildCs(connector: string): void {
    this.st.csIndexClearConnector.run(connector);
    const names = this.#indexes.csAttributes[connector];
    if (!names) return;
    let after = '';
    for (;;) {
      const rows = this.st.csImagesPage.all(connector, after, REBUILD_PAGE) as {
        id: string;
        synchronized_hologram: string | null;
        pending_import: string | null;
      }[];
      for (const row of rows) {
        const image = row.pending_import
          ? parseWithValues<Entry | null>(row.pending_import)
          : row.synchronized_hologram
            ? parseWithValues<Entry>(row.synchronized_hologram)
            : null;
        for (const { attribute, key } of indexEntriesOf(image?.attributes, names)) {
          this.st.csIndexInsert.run(connector, attribute, key, row.id);
        }
      }
      const last = rows.at(-1);
      if (!last || rows.length < REBUILD_PAGE) return;
      after = last.id;
    }
  }
}

/**
 * Writes the difference between the entries an object should have and those stored for it (one
 * object's entries, so the attribute and key identify each): most writes leave them as they were,
 * and a new object has none stored.
 */
function writeDifference(
  wanted: readonly IndexEntry[],
  stored: readonly IndexEntry[],
  insert: (entry: IndexEntry) => void,
  remove: (entry: IndexEntry) => void,
): void {
  if (stored.length === 0) {
    for (const e of wanted) insert(e);
    return;
  }
  const wantedSlots = new Set(wanted.map(slot));
  const storedSlots = new Set<string>();
  for (const e of stored) {
    const s = slot(e);
    storedSlots.add(s);
    if (!wantedSlots.has(s)) remove(e);
  }
  for (const e of wanted) if (!storedSlots.has(slot(e))) insert(e);
}

function slot(entry: IndexEntry): string {
  return `${entry.attribute}\u0000${entry.key}`;
}
