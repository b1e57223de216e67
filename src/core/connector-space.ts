import type { Attributes, AttributeValue } from './values.js';

/** A full image of an object: the `entry` inside every hologram of the tower. */
export interface Entry {
  readonly dn: string;
  readonly objectType: string;
  readonly attributes: Attributes;
}

/** Object-level operations of a delta, as in csexport's `delta/@operation`. */
export const DELTA_OPERATIONS = ['add', 'update', 'replace', 'delete', 'delete-add'] as const;
export type DeltaOperation = (typeof DELTA_OPERATIONS)[number];

/**
 * One attribute's change inside a delta (csexport `attr/@operation`):
 * `add` sets a previously absent attribute, `replace` replaces all values,
 * `update` adds/removes single values of a multi-valued attribute, `delete` clears it.
 */
export type AttributeChange =
  | { readonly operation: 'add'; readonly name: string; readonly values: readonly AttributeValue[] }
  | { readonly operation: 'replace'; readonly name: string; readonly values: readonly AttributeValue[] }
  | {
      readonly operation: 'update';
      readonly name: string;
      readonly add: readonly AttributeValue[];
      readonly remove: readonly AttributeValue[];
    }
  | { readonly operation: 'delete'; readonly name: string };

/** The difference between two holograms. `newDn` is set on renames and moves. */
export interface ObjectDelta {
  readonly operation: DeltaOperation;
  readonly dn: string;
  readonly newDn?: string;
  readonly objectType: string;
  readonly changes: readonly AttributeChange[];
  /** Attribute → name of the sync rule that produced its new value (outbound lineage, for reports). */
  readonly sources?: Readonly<Record<string, string>>;
}

export const CONNECTOR_STATES = ['normal', 'explicit', 'stay'] as const;
/** `normal`: rules decide; `explicit`: an admin fixed the link; `stay`: filtered disconnector. */
export type ConnectorState = (typeof CONNECTOR_STATES)[number];

/** Staged import: the object as the directory now shows it, not yet synchronized. */
export interface PendingImport {
  readonly operation: 'add' | 'update' | 'delete' | 'delete-add';
  /** The pending-import hologram; null for a delete. */
  readonly entry: Entry | null;
}

export interface ExportError {
  /** Engine vocabulary: `cd-error`, `cd-existing-object`, `exported-change-not-reimported`, ... */
  readonly type: string;
  readonly code?: string;
  readonly message: string;
  readonly detail?: string;
  readonly firstOccurred: string;
  readonly dateOccurred: string;
  readonly retryCount: number;
}

export interface ImportError {
  readonly type: string;
  readonly message: string;
  readonly dateOccurred: string;
}

/**
 * A connector-space object and its tower. `id` is the CS object's own GUID (upper-case, no braces);
 * `anchor` is the directory's immutable id, null until an import has shown the object.
 */
export interface CsObject {
  readonly id: string;
  readonly connector: string;
  readonly dn: string;
  readonly anchor: string | null;
  readonly objectType: string;
  /** As last imported and synchronized; null for a provisioned object never seen by an import. */
  readonly synchronizedHologram: Entry | null;
  readonly pendingImport: PendingImport | null;
  /** Computed by sync, not yet exported. */
  readonly unappliedExport: ObjectDelta | null;
  /** Sent to the directory, not yet seen back by an import. */
  readonly escrowedExport: ObjectDelta | null;
  readonly exportError: ExportError | null;
  readonly importError: ImportError | null;
  /** Linked to an MV object (a connector) or not (a disconnector). */
  readonly mvId: string | null;
  readonly connectorState: ConnectorState;
  /** Name of the sync rule that linked it (join, projection or provisioning), for lineage. */
  readonly linkRule: string | null;
  /** True when created by outbound provisioning (deprovisioning applies to it). */
  readonly isProvisioned: boolean;
  /** Last time an import showed this object (ISO), for obsoletion by full import. */
  readonly lastImportRun: number | null;
  readonly modifiedAt: string;
}

export function isConnector(cs: Pick<CsObject, 'mvId'>): boolean {
  return cs.mvId !== null;
}

/** The image sync works from: the pending import if any, else the synchronized hologram. */
export function currentImage(cs: CsObject): Entry | null {
  if (cs.pendingImport) return cs.pendingImport.entry;
  return cs.synchronizedHologram;
}

/**
 * A new CS object with an empty tower: a disconnector in state `normal` unless `fields` say
 * otherwise. Imports create them for objects the directory shows; provisioning for objects it will.
 */
export function createCsObject(
  fields: Pick<CsObject, 'id' | 'connector' | 'dn' | 'objectType' | 'modifiedAt'> & Partial<CsObject>,
): CsObject {
  return {
    anchor: null,
    synchronizedHologram: null,
    pendingImport: null,
    unappliedExport: null,
    escrowedExport: null,
    exportError: null,
    importError: null,
    mvId: null,
    connectorState: 'normal',
    linkRule: null,
    isProvisioned: false,
    lastImportRun: null,
    ...fields,
  };
}
