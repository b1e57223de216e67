import type { AttributeChange } from '../../core/connector-space.js';
import type { Attributes, AttributeValue } from '../../core/values.js';
import { isWritable, scalarOf, typedListValue } from './scim-mapping.js';
import {
  ENTERPRISE_STRINGS,
  ENTERPRISE_USER,
  PATCH_OP,
  VERSION_ATTRIBUTE,
  type ResourceTypeInfo,
  type TypedList,
} from './scim-schema.js';

/** One operation of a PatchOp message (RFC 7644 §3.5.2). */
export interface PatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path: string;
  readonly value?: unknown;
}

export interface PatchPlan {
  readonly operations: PatchOperation[];
  /** True when the group's `members` change wholesale and the current list must be read first. */
  readonly needsCurrentMembers: boolean;
}

/** Thrown for an attribute the SCIM schema of the connector does not have. */
export class UnknownAttributeError extends Error {
  override readonly name = 'UnknownAttributeError';
}

type RefId = (ref: AttributeValue) => string | undefined;

function pathOf(name: string): string {
  return (ENTERPRISE_STRINGS as readonly string[]).includes(name) || name === 'manager'
    ? `${ENTERPRISE_USER}:${name}`
    : name;
}

function ids(values: readonly AttributeValue[], refId: RefId): string[] {
  return values.map(refId).filter((id): id is string => id !== undefined);
}

function memberOperations(change: AttributeChange, refId: RefId, current: readonly string[] | null): PatchOperation[] {
  const add = (list: readonly string[]): PatchOperation[] =>
    list.length > 0 ? [{ op: 'add', path: 'members', value: list.map((value) => ({ value })) }] : [];
  const remove = (list: readonly string[]): PatchOperation[] =>
    list.map((id) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` }));
  switch (change.operation) {
    case 'add':
      return add(ids(change.values, refId));
    case 'update':
      return [...add(ids(change.add, refId)), ...remove(ids(change.remove, refId))];
    case 'delete':
      return [{ op: 'remove', path: 'members' }];
    case 'replace': {
      // The delta says "these members, no others": compare with what the service holds, then add and
      // remove single members; the whole list is never sent again.
      const wanted = new Set(ids(change.values, refId));
      const held = new Set(current ?? []);
      return [...add([...wanted].filter((id) => !held.has(id))), ...remove([...held].filter((id) => !wanted.has(id)))];
    }
  }
}

/**
 * The PatchOp operations for a delta. Single-valued attributes are replaced or removed by path;
 * `emails`/`phoneNumbers` are replaced as a whole list built from `target` (their flat attributes
 * are views of one list); group members are added and removed one by one.
 */
export function planPatch(
  type: ResourceTypeInfo,
  changes: readonly AttributeChange[],
  target: Attributes,
  refId: RefId,
  currentMembers: readonly string[] | null,
): PatchPlan {
  const operations: PatchOperation[] = [];
  const lists = new Set<TypedList>();
  let needsCurrentMembers = false;
  for (const change of changes) {
    const name = change.name;
    if (name === VERSION_ATTRIBUTE) continue;
    if (!isWritable(type, name)) {
      throw new UnknownAttributeError(
        `attribute "${name}" is not in the SCIM ${type.resourceType} schema of this connector`,
      );
    }
    if (name === 'members') {
      if (change.operation === 'replace' && currentMembers === null) needsCurrentMembers = true;
      else operations.push(...memberOperations(change, refId, currentMembers));
      continue;
    }
    const head = name.split('.', 1)[0];
    if (head === 'emails' || head === 'phoneNumbers') {
      lists.add(head);
      continue;
    }
    const values = change.operation === 'update' ? target[name] : change.operation === 'delete' ? [] : change.values;
    const value = name === 'manager' ? (values?.[0] !== undefined ? refId(values[0]) : undefined) : scalarOf(values);
    if (value === undefined) operations.push({ op: 'remove', path: pathOf(name) });
    else if (name === 'manager') operations.push({ op: 'replace', path: pathOf(name), value: { value } });
    else if (name === 'active')
      operations.push({ op: 'replace', path: name, value: value === true || String(value).toUpperCase() === 'TRUE' });
    else operations.push({ op: 'replace', path: pathOf(name), value: String(value) });
  }
  for (const list of lists) {
    const value = typedListValue(list, target);
    operations.push(value.length > 0 ? { op: 'replace', path: list, value } : { op: 'remove', path: list });
  }
  return { operations, needsCurrentMembers };
}

export function patchMessage(operations: readonly PatchOperation[]): Record<string, unknown> {
  return { schemas: [PATCH_OP], Operations: operations };
}
