import type { StoreIndexes } from '../../core/state-store.js';
import { indexKey, type Attributes } from '../../core/values.js';

/** One row of an attribute index: the attribute name and one value's `indexKey`. */
export interface IndexEntry {
  readonly attribute: string;
  readonly key: string;
}

/** The distinct index entries of `attributes` for the indexed attribute names. */
export function indexEntriesOf(attributes: Attributes | null | undefined, names: readonly string[]): IndexEntry[] {
  const out: IndexEntry[] = [];
  if (!attributes) return out;
  for (const attribute of names) {
    const values = attributes[attribute];
    if (!values || values.length === 0) continue;
    const keys = new Set(values.map(indexKey));
    for (const key of keys) out.push({ attribute, key });
  }
  return out;
}

/** Index configuration in a canonical form (sorted, deduplicated, empty connectors dropped). */
export function canonicalIndexes(indexes: StoreIndexes): StoreIndexes {
  const csAttributes: Record<string, readonly string[]> = {};
  for (const connector of Object.keys(indexes.csAttributes).sort()) {
    const names = [...new Set(indexes.csAttributes[connector] ?? [])].sort();
    if (names.length > 0) csAttributes[connector] = names;
  }
  return { mvAttributes: [...new Set(indexes.mvAttributes)].sort(), csAttributes };
}

/** Connectors whose indexed CS attribute set differs between two canonical configurations. */
export function changedIndexConnectors(before: StoreIndexes, after: StoreIndexes): string[] {
  const connectors = new Set([...Object.keys(before.csAttributes), ...Object.keys(after.csAttributes)]);
  return [...connectors].filter(
    (c) => (before.csAttributes[c] ?? []).join('\n') !== (after.csAttributes[c] ?? []).join('\n'),
  );
}

/** Element-wise equality of two (canonical, sorted) name lists. */
export function sameStringList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The configuration before `configureIndexes` was ever called: nothing indexed. */
export const NO_INDEXES: StoreIndexes = { mvAttributes: [], csAttributes: {} };
