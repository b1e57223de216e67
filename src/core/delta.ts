import type { AttributeChange, Entry, ObjectDelta } from './connector-space.js';
import { normalizeDn } from './dn.js';
import { valueKey, valueSetsEqual, type AttributeValue, type Attributes } from './values.js';

/** Decides whether a changed attribute is written as per-value `update` or whole-value `replace`. */
export type MultivaluedTest = (name: string, valueCount: number) => boolean;

const BY_VALUE_COUNT: MultivaluedTest = (_name, count) => count > 1;

/**
 * Attribute-level changes that turn `before` into `after`, for the attributes in `names`
 * (all attributes of both when omitted), sorted by name so output is deterministic. A changed
 * multi-valued attribute (by default: more than one value on either side) becomes an `update`
 * with per-value adds and removes; a single-valued one a `replace`.
 */
export function diffAttributes(
  before: Attributes,
  after: Attributes,
  names?: Iterable<string>,
  isMultivalued: MultivaluedTest = BY_VALUE_COUNT,
): AttributeChange[] {
  const keys = names ? [...new Set(names)] : unionOfNames(before, after);
  keys.sort();
  const changes: AttributeChange[] = [];
  for (const name of keys) {
    const oldValues = before[name] ?? [];
    const newValues = after[name] ?? [];
    if (valueSetsEqual(oldValues, newValues)) continue;
    if (oldValues.length === 0) changes.push({ operation: 'add', name, values: newValues });
    else if (newValues.length === 0) changes.push({ operation: 'delete', name });
    else if (!isMultivalued(name, Math.max(oldValues.length, newValues.length))) {
      changes.push({ operation: 'replace', name, values: newValues });
    } else {
      const oldKeys = new Set(oldValues.map(valueKey));
      const newKeys = new Set(newValues.map(valueKey));
      changes.push({
        operation: 'update',
        name,
        add: newValues.filter((v) => !oldKeys.has(valueKey(v))),
        remove: oldValues.filter((v) => !newKeys.has(valueKey(v))),
      });
    }
  }
  return changes;
}

function unionOfNames(before: Attributes, after: Attributes): string[] {
  const keys: string[] = [];
  for (const name in after) keys.push(name);
  for (const name in before) if (!(name in after)) keys.push(name);
  return keys;
}

/** Applies attribute changes to an attribute map, returning a new map. */
export function applyChanges(attributes: Attributes, changes: readonly AttributeChange[]): Attributes {
  const out: Record<string, readonly AttributeValue[]> = { ...attributes };
  for (const change of changes) {
    switch (change.operation) {
      case 'add':
      case 'replace':
        if (change.values.length > 0) out[change.name] = change.values;
        else delete out[change.name];
        break;
      case 'delete':
        delete out[change.name];
        break;
      case 'update': {
        const removeKeys = new Set(change.remove.map(valueKey));
        const kept = (out[change.name] ?? []).filter((v) => !removeKeys.has(valueKey(v)));
        const keptKeys = new Set(kept.map(valueKey));
        const merged = [...kept, ...change.add.filter((v) => !keptKeys.has(valueKey(v)))];
        if (merged.length > 0) out[change.name] = merged;
        else delete out[change.name];
        break;
      }
    }
  }
  return out;
}

/**
 * The image after a delta: `add`/`replace` build from the changes alone, `update` applies them to
 * `entry`, `delete` gives null. Renames move the entry to `newDn`.
 */
export function applyDelta(entry: Entry | null, delta: ObjectDelta): Entry | null {
  switch (delta.operation) {
    case 'delete':
      return null;
    case 'add':
    case 'replace':
    case 'delete-add':
      return { dn: delta.newDn ?? delta.dn, objectType: delta.objectType, attributes: applyChanges({}, delta.changes) };
    case 'update':
      return {
        dn: delta.newDn ?? entry?.dn ?? delta.dn,
        objectType: entry?.objectType ?? delta.objectType,
        attributes: applyChanges(entry?.attributes ?? {}, delta.changes),
      };
  }
}

/**
 * One delta with the effect of `first` then `second` (used when a change is computed while an
 * earlier export is still escrowed).
 */
export function composeDeltas(first: ObjectDelta, second: ObjectDelta): ObjectDelta {
  if (second.operation === 'delete' || second.operation === 'add' || second.operation === 'replace') {
    return first.operation === 'add' && second.operation === 'replace' ? { ...second, operation: 'add' } : second;
  }
  const image = applyDelta({ dn: first.dn, objectType: first.objectType, attributes: {} }, first);
  const combinedImage = applyDelta(image, second);
  if (first.operation === 'add' && combinedImage) {
    return {
      operation: 'add',
      dn: combinedImage.dn,
      objectType: first.objectType,
      changes: diffAttributes({}, combinedImage.attributes),
      sources: { ...first.sources, ...second.sources },
    };
  }
  const byName = new Map<string, AttributeChange>();
  for (const change of [...first.changes, ...second.changes]) byName.set(change.name, change);
  const newDn = second.newDn ?? first.newDn;
  return {
    operation: 'update',
    dn: first.dn,
    ...(newDn !== undefined ? { newDn } : {}),
    objectType: first.objectType,
    changes: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    sources: { ...first.sources, ...second.sources },
  };
}

/** True when `entry` shows every change of `delta` (the check a confirming import makes). */
export function isDeltaReflected(delta: ObjectDelta, entry: Entry | null): boolean {
  if (delta.operation === 'delete') return entry === null;
  if (entry === null) return false;
  const expectedDn = delta.newDn ?? (delta.operation === 'add' ? delta.dn : undefined);
  if (expectedDn !== undefined && normalizeDn(expectedDn) !== normalizeDn(entry.dn)) return false;
  for (const change of delta.changes) {
    const actual = entry.attributes[change.name] ?? [];
    switch (change.operation) {
      case 'add':
      case 'replace':
        if (!valueSetsEqual(actual, change.values)) return false;
        break;
      case 'delete':
        if (actual.length > 0) return false;
        break;
      case 'update': {
        const keys = new Set(actual.map(valueKey));
        if (!change.add.every((v) => keys.has(valueKey(v)))) return false;
        if (change.remove.some((v) => keys.has(valueKey(v)))) return false;
        break;
      }
    }
  }
  return true;
}

/** Full-image equality of two entries (DN normalized, object type, attribute value sets). */
export function entriesEqual(a: Entry | null, b: Entry | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.objectType !== b.objectType || normalizeDn(a.dn) !== normalizeDn(b.dn)) return false;
  const names = new Set([...Object.keys(a.attributes), ...Object.keys(b.attributes)]);
  for (const name of names) if (!valueSetsEqual(a.attributes[name], b.attributes[name])) return false;
  return true;
}
