import type { AttributeValue } from '../core/values.js';

/** One value read from csexport XML, with its per-value `operation` (`add`/`delete`) inside updates. */
export interface CsExportValue {
  readonly value: AttributeValue;
  readonly operation: string | null;
}

/**
 * One `attr` or `dn-attr` read from csexport XML. `type` is lower-cased (`string`, `integer`,
 * `boolean`, `binary`, or `reference` for `dn-attr`); `operation` is set inside `update` deltas.
 */
export interface CsExportAttribute {
  readonly name: string;
  readonly type: string;
  readonly isMultivalued: boolean;
  readonly operation: string | null;
  readonly values: readonly CsExportValue[];
}

/** An `entry` (hologram image). */
export interface CsExportEntry {
  readonly dn: string;
  readonly anchor: string | null;
  readonly primaryObjectClass: string | null;
  readonly objectClasses: readonly string[];
  /** `dn-attr` and `attr` children in document order. */
  readonly attributes: readonly CsExportAttribute[];
}

/** A `delta`: an entry-like image plus the object-level operation and, on renames, the new DN. */
export interface CsExportDelta extends CsExportEntry {
  readonly operation: string;
  readonly newDn: string | null;
}

/** An `import-errordetail` or `export-errordetail`, whichever fields the file carries. */
export interface CsExportError {
  readonly type: string | null;
  readonly code: string | null;
  readonly name: string | null;
  readonly literal: string | null;
  readonly detail: string | null;
  readonly dateOccurred: string | null;
  readonly firstOccurred: string | null;
  readonly retryCount: number | null;
}

/** One `cs-object` of a csexport file, as `readCsExport` yields it; absent parts are null. */
export interface CsExportObject {
  /** As written, braced: `{0D1C2B3A-...}`. */
  readonly id: string;
  readonly csDn: string;
  readonly objectType: string;
  readonly unappliedExport: CsExportDelta | null;
  readonly escrowedExport: CsExportDelta | null;
  readonly pendingImport: CsExportDelta | null;
  readonly synchronizedHologram: CsExportEntry | null;
  readonly unappliedExportHologram: CsExportEntry | null;
  readonly escrowedExportHologram: CsExportEntry | null;
  readonly pendingImportHologram: CsExportEntry | null;
  /** `connector` element: true for `1`/`true`, false for `0`/`false`, null when absent. */
  readonly isConnector: boolean | null;
  readonly connectorState: string | null;
  /** `mv-link` text: the metaverse object GUID. */
  readonly mvLink: string | null;
  readonly exportError: CsExportError | null;
  readonly importError: CsExportError | null;
  readonly maName: string | null;
}

/** The values of attribute `name` (case-insensitive) in an entry or delta; empty when absent. */
export function attributeValues(image: CsExportEntry | null, name: string): readonly CsExportValue[] {
  if (!image) return [];
  const lower = name.toLowerCase();
  for (const attribute of image.attributes) if (attribute.name.toLowerCase() === lower) return attribute.values;
  return [];
}
