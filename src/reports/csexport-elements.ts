import type { CsExportError, CsExportObject } from './csexport-object.js';

/**
 * The elements of a csexport file `CsExportBuilder` reads, as numeric kinds: what an element means
 * where it stands (`childKind`), whether its text is collected and whether it may repeat (`FLAGS`).
 */

/** A `CsExportObject` property holding a delta or an entry. */
type Slot = Extract<keyof CsExportObject, 'unappliedExport' | 'escrowedExport' | 'pendingImport'> | HologramSlot;
/** The entry (hologram) properties of `CsExportObject`. */
export type HologramSlot =
  'synchronizedHologram' | 'unappliedExportHologram' | 'escrowedExportHologram' | 'pendingImportHologram';

// Element kinds: what an element means where it stands. Siblings never share a bit of `1 << kind`
// (JavaScript shifts modulo 32), which `seen` relies on.
export const IGNORED = 0;
export const DOCUMENT = 1;
export const ROOT = 2;
export const OBJECT = 3;
const DELTA_HOLDER = { 'unapplied-export': 4, 'escrowed-export': 5, 'pending-import': 6 } as const;
const HOLOGRAM_HOLDER = {
  'synchronized-hologram': 7,
  'unapplied-export-hologram': 8,
  'escrowed-export-hologram': 9,
  'pending-import-hologram': 10,
} as const;
export const DELTA = 11;
export const ENTRY = 12;
export const OBJECT_TEXT = { connector: 13, 'connector-state': 14, 'mv-link': 15, 'ma-name': 16 } as const;
export const EXPORT_DETAIL = 17;
const IMPORT_DETAIL = 18;
export const STATUS = 19;
const CD_ERROR = 20;
export const STATUS_TEXT = { 'error-type': 21, 'date-occurred': 22, 'first-occurred': 23, 'retry-count': 24 } as const;
const CD_ERROR_TEXT = { 'error-code': 25, 'error-name': 26, 'error-literal': 27, 'server-error-detail': 28 } as const;
export const ANCHOR = 29;
export const PRIMARY_OBJECTCLASS = 30;
const OBJECTCLASS = 31;
export const OC_VALUE = 32;
export const ATTR = 33;
export const DN_ATTR = 34;
export const VALUE = 35;
export const DN_VALUE = 36;
export const DN = 37;

export const SLOTS: Readonly<Record<number, Slot>> = {
  4: 'unappliedExport',
  5: 'escrowedExport',
  6: 'pendingImport',
  7: 'synchronizedHologram',
  8: 'unappliedExportHologram',
  9: 'escrowedExportHologram',
  10: 'pendingImportHologram',
};
export const ERROR_FIELDS: Readonly<Record<number, keyof CsExportError>> = {
  21: 'type',
  22: 'dateOccurred',
  23: 'firstOccurred',
  25: 'code',
  26: 'name',
  27: 'literal',
  28: 'detail',
};
/** Per kind: TEXT when its text is collected, REPEATABLE when it may repeat (otherwise the first wins). */
export const FLAGS = new Uint8Array(DN + 1);
export const TEXT = 1;
export const REPEATABLE = 2;
for (const kind of [13, 14, 15, 16, 21, 22, 23, 24, 25, 26, 27, 28, ANCHOR, PRIMARY_OBJECTCLASS, OC_VALUE, VALUE, DN])
  FLAGS[kind] = TEXT;
for (const kind of [IGNORED, OBJECT, ATTR, DN_ATTR, VALUE, DN_VALUE, OC_VALUE]) FLAGS[kind]! |= REPEATABLE;

const OBJECT_CHILDREN = new Map<string, number>([
  ...Object.entries(DELTA_HOLDER),
  ...Object.entries(HOLOGRAM_HOLDER),
  ...Object.entries(OBJECT_TEXT),
  ['export-errordetail', EXPORT_DETAIL],
  ['import-errordetail', IMPORT_DETAIL],
]);
const STATUS_CHILDREN = new Map<string, number>(Object.entries(STATUS_TEXT));
const CD_ERROR_CHILDREN = new Map<string, number>(Object.entries(CD_ERROR_TEXT));

/** The kind of element `name` inside an element of kind `parent`. */
export function childKind(parent: number, name: string): number {
  switch (parent) {
    case DOCUMENT:
      return ROOT;
    case ROOT:
      return name === 'cs-object' ? OBJECT : IGNORED;
    case OBJECT:
      return OBJECT_CHILDREN.get(name) ?? IGNORED;
    case 4:
    case 5:
    case 6:
      return name === 'delta' ? DELTA : IGNORED;
    case 7:
    case 8:
    case 9:
    case 10:
      return name === 'entry' ? ENTRY : IGNORED;
    case DELTA:
    case ENTRY:
      // Most frequent first: a string of another length is rejected at once.
      if (name === 'attr') return ATTR;
      if (name === 'dn-attr') return DN_ATTR;
      if (name === 'objectclass') return OBJECTCLASS;
      if (name === 'primary-objectclass') return PRIMARY_OBJECTCLASS;
      return name === 'anchor' ? ANCHOR : IGNORED;
    case OBJECTCLASS:
      return name === 'oc-value' ? OC_VALUE : IGNORED;
    case ATTR:
      return name === 'value' ? VALUE : IGNORED;
    case DN_ATTR:
      return name === 'dn-value' ? DN_VALUE : IGNORED;
    case DN_VALUE:
      return name === 'dn' ? DN : IGNORED;
    case EXPORT_DETAIL:
      return name === 'export-status' ? STATUS : IGNORED;
    case IMPORT_DETAIL:
      return name === 'import-status' ? STATUS : IGNORED;
    case STATUS:
      return name === 'cd-error' ? CD_ERROR : (STATUS_CHILDREN.get(name) ?? IGNORED);
    case CD_ERROR:
      return CD_ERROR_CHILDREN.get(name) ?? IGNORED;
    default:
      return IGNORED;
  }
}
