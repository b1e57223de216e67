import type { AttributeChange, Entry } from '../core/connector-space.js';
import { diffAttributes as diffImages } from '../core/delta.js';
import { MultivaluedNames } from './multivalued.js';

export { applyDelta } from '../core/delta.js';

/**
 * The attribute changes turning `from` into `to` (both full images), attributes sorted by name
 * (case-insensitively, as every report orders them): newly present → `add`, gone → `delete`,
 * changed multi-valued → `update` with per-value adds and removes, changed single-valued →
 * `replace`. Used to write the pending-import delta.
 */
export function diffAttributes(
  from: Entry | null,
  to: Entry | null,
  multivalued: MultivaluedNames = new MultivaluedNames(),
): AttributeChange[] {
  const changes = diffImages(from?.attributes ?? {}, to?.attributes ?? {}, undefined, (name, count) =>
    multivalued.isMultivalued(name, count),
  );
  return changes.sort((a, b) => compareNames(a.name, b.name));
}

/** Deterministic attribute-name order for every report: case-insensitive, ties broken ordinally. */
export function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
