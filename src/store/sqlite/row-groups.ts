import type { CsObject } from '../../core/connector-space.js';
import { rowToCs, type CsRow } from './cs-rows.js';

/** The first row (in the order given, i.e. lowest id) for each key, as CS objects. */
export function firstByKey(rows: readonly CsRow[], keyOf: (row: CsRow) => string): Map<string, CsObject> {
  const out = new Map<string, CsObject>();
  for (const row of rows) if (!out.has(keyOf(row))) out.set(keyOf(row), rowToCs(row));
  return out;
}

/** `{ key, id }` rows (ordered by key, id) grouped as key → ids. */
export function groupIds(rows: unknown[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { key, id } of rows as { key: string; id: string }[]) {
    const ids = out.get(key);
    if (ids) ids.push(id);
    else out.set(key, [id]);
  }
  return out;
}
