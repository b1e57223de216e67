import type { AttributeChange, CsObject, DeltaOperation, Entry } from '../core/connector-space.js';
import { typeOfValue, valueKey, valueToText, type AttributeType, type AttributeValue } from '../core/values.js';
import { applyDelta, compareNames } from './apply-delta.js';
import { classifyPending, type PendingKind } from './pending-counts.js';
import { ReportInputError } from './report-input-error.js';

/** One attribute of a pending export: old value(s) → new value(s) and the sync rule behind the new ones. */
export interface PendingChange {
  readonly attribute: string;
  readonly change: AttributeChange['operation'];
  readonly type: AttributeType;
  /** From the synchronized hologram with escrowed exports applied (empty for an add). */
  readonly oldValues: readonly AttributeValue[];
  /** From the unapplied-export hologram. */
  readonly newValues: readonly AttributeValue[];
  readonly added: readonly AttributeValue[];
  readonly removed: readonly AttributeValue[];
  /** `delta.sources[attribute]`, null when the engine recorded none. */
  readonly rule: string | null;
}

/** Identifiers an administrator recognises; `''` when absent. Deletes read them from the old image. */
export interface PendingIdentifiers {
  readonly userPrincipalName: string;
  readonly displayName: string;
  readonly sourceAnchor: string;
  readonly mail: string;
}

/** One pending export (an object with an unapplied export) as the pending report shows it. */
export interface PendingRow {
  readonly id: string;
  readonly dn: string;
  readonly newDn: string | null;
  readonly objectType: string;
  readonly operation: DeltaOperation;
  readonly kind: PendingKind;
  readonly identifiers: PendingIdentifiers;
  /** Sorted by attribute name; empty for a delete. */
  readonly changes: readonly PendingChange[];
}

/** The `--operation` vocabulary: `update` also selects renames. */
export const PENDING_OPERATIONS = ['add', 'update', 'delete'] as const;
export type PendingOperation = (typeof PENDING_OPERATIONS)[number];

/** Parses `--operation add,update,delete` (any subset, comma-separated); throws `ReportInputError`. */
export function parsePendingOperations(text: string): PendingOperation[] {
  const items = text.split(',').map((s) => s.trim().toLowerCase());
  const bad = items.find((s) => !(PENDING_OPERATIONS as readonly string[]).includes(s));
  if (bad !== undefined || items.length === 0) {
    throw new ReportInputError(
      `--operation: "${bad ?? text}" is not an operation; accepted: add, update, delete, comma-separated`,
      {
        argument: '--operation',
      },
    );
  }
  return [...new Set(items as PendingOperation[])];
}

/** True when a row passes the `--operation` filter (`update` includes renames). */
export function matchesOperations(kind: PendingKind, operations: readonly PendingOperation[] | undefined): boolean {
  if (!operations) return true;
  return operations.includes(kind === 'rename' ? 'update' : kind);
}

/**
 * Plans the report row of a CS object: null when it has no unapplied export. Old values come from
 * the synchronized hologram with the escrowed export applied, new values from the unapplied-export
 * hologram (that image with the unapplied export applied).
 */
export function planPendingRow(cs: CsObject): PendingRow | null {
  const delta = cs.unappliedExport;
  if (!delta) return null;
  const escrowed = cs.escrowedExport ? applyDelta(cs.synchronizedHologram, cs.escrowedExport) : cs.synchronizedHologram;
  const oldImage = delta.operation === 'add' ? null : escrowed;
  const newImage = applyDelta(escrowed, delta);
  const kind = classifyPending(delta.operation, delta.newDn);
  const changes =
    kind === 'delete' && delta.operation === 'delete'
      ? []
      : planChanges(delta.changes, oldImage, newImage, delta.sources);
  return {
    id: cs.id,
    dn: delta.dn,
    newDn: delta.newDn ?? null,
    objectType: delta.objectType,
    operation: delta.operation,
    kind,
    identifiers: identifiers(kind === 'delete' ? (escrowed ?? newImage) : (newImage ?? escrowed)),
    changes,
  };
}

function planChanges(
  changes: readonly AttributeChange[],
  oldImage: Entry | null,
  newImage: Entry | null,
  sources: Readonly<Record<string, string>> | undefined,
): PendingChange[] {
  return [...changes]
    .sort((a, b) => compareNames(a.name, b.name))
    .map((change) => {
      const oldValues = oldImage?.attributes[change.name] ?? [];
      const newValues = newImage?.attributes[change.name] ?? [];
      const oldKeys = new Set(oldValues.map(valueKey));
      const newKeys = new Set(newValues.map(valueKey));
      const sample = newValues[0] ?? oldValues[0] ?? sampleOf(change);
      return {
        attribute: change.name,
        change: change.operation,
        type: sample === undefined ? 'string' : typeOfValue(sample),
        oldValues,
        newValues,
        added: newValues.filter((v) => !oldKeys.has(valueKey(v))),
        removed: oldValues.filter((v) => !newKeys.has(valueKey(v))),
        rule: sources?.[change.name] ?? null,
      };
    });
}

function sampleOf(change: AttributeChange): AttributeValue | undefined {
  if (change.operation === 'update') return change.add[0] ?? change.remove[0];
  return change.operation === 'delete' ? undefined : change.values[0];
}

function identifiers(image: Entry | null): PendingIdentifiers {
  const first = (name: string): string => {
    if (!image) return '';
    const lower = name.toLowerCase();
    const key = Object.keys(image.attributes).find((k) => k.toLowerCase() === lower);
    const value = key === undefined ? undefined : image.attributes[key]?.[0];
    return value === undefined ? '' : valueToText(value);
  };
  return {
    userPrincipalName: first('userPrincipalName'),
    displayName: first('displayName'),
    sourceAnchor: first('sourceAnchor'),
    mail: first('mail'),
  };
}
