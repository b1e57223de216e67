import { decodeContributions, decodeDelta, encodeContributions, encodeDelta } from './compact-json.js';
import { normalizeDn } from '../../core/dn.js';
import type {
  ConnectorState,
  CsObject,
  Entry,
  ExportError,
  ImportError,
  PendingImport,
} from '../../core/connector-space.js';
import type { MvObject } from '../../core/metaverse.js';
import type { Attributes } from '../../core/values.js';
import { parseWithValues, stringifyWithValues } from '../../core/value-codec.js';

/**
 * A `cs_objects` row; tower parts are JSON written by `stringifyWithValues`. `pending_import` is the
 * pending-import hologram alone (`null` text for a delete), its operation is `pending_import_op`.
 */
export interface CsRow {
  id: string;
  connector: string;
  dn: string;
  dn_norm: string;
  anchor: string | null;
  object_type: string;
  mv_id: string | null;
  connector_state: string;
  link_rule: string | null;
  is_provisioned: number;
  last_import_run: number | null;
  modified_at: string;
  synchronized_hologram: string | null;
  pending_import: string | null;
  pending_import_op: string | null;
  unapplied_export: string | null;
  unapplied_export_op: string | null;
  escrowed_export: string | null;
  export_error: string | null;
  import_error: string | null;
}

/** `cs_objects` columns in the order of `csToParams`. */
export const CS_COLUMNS = [
  'id',
  'connector',
  'dn',
  'dn_norm',
  'anchor',
  'object_type',
  'mv_id',
  'connector_state',
  'link_rule',
  'is_provisioned',
  'modified_at',
  'synchronized_hologram',
  'pending_import',
  'pending_import_op',
  'unapplied_export',
  'unapplied_export_op',
  'escrowed_export',
  'export_error',
  'import_error',
] as const satisfies readonly (keyof CsRow)[];

function toJson(part: unknown): string | null {
  return part === null || part === undefined ? null : stringifyWithValues(part);
}

function fromJson<T>(text: string | null): T | null {
  return text === null ? null : parseWithValues<T>(text);
}

/** The columns a CS read selects: the row, and the import mark kept in `cs_import_marks`. */
export const CS_SELECT_LIST = `${CS_COLUMNS.map((c) => `cs_objects.${c}`).join(', ')}, (SELECT run FROM cs_import_marks m WHERE m.id = cs_objects.id) AS last_import_run`;

/**
 * The columns that hold each CS object field (`connector` and `id` are the key, `lastImportRun` is
 * kept in `cs_import_marks`).
 */
export const CS_FIELD_COLUMNS: Readonly<Partial<Record<keyof CsObject, readonly (typeof CS_COLUMNS)[number][]>>> = {
  dn: ['dn', 'dn_norm'],
  anchor: ['anchor'],
  objectType: ['object_type'],
  mvId: ['mv_id'],
  connectorState: ['connector_state'],
  linkRule: ['link_rule'],
  isProvisioned: ['is_provisioned'],
  modifiedAt: ['modified_at'],
  synchronizedHologram: ['synchronized_hologram'],
  pendingImport: ['pending_import', 'pending_import_op'],
  unappliedExport: ['unapplied_export', 'unapplied_export_op'],
  escrowedExport: ['escrowed_export'],
  exportError: ['export_error'],
  importError: ['import_error'],
};

/** One column's value for a CS object (the same as its place in `csToParams`). */
export function csColumnValue(cs: CsObject, column: (typeof CS_COLUMNS)[number]): unknown {
  switch (column) {
    case 'id':
      return cs.id;
    case 'connector':
      return cs.connector;
    case 'dn':
      return cs.dn;
    case 'dn_norm':
      return normalizeDn(cs.dn);
    case 'anchor':
      return cs.anchor;
    case 'object_type':
      return cs.objectType;
    case 'mv_id':
      return cs.mvId;
    case 'connector_state':
      return cs.connectorState;
    case 'link_rule':
      return cs.linkRule;
    case 'is_provisioned':
      return cs.isProvisioned ? 1 : 0;
    case 'modified_at':
      return cs.modifiedAt;
    case 'synchronized_hologram':
      return toJson(cs.synchronizedHologram);
    case 'pending_import':
      // The hologram alone (the operation has its column), so that applying it can move the text.
      return cs.pendingImport ? stringifyWithValues(cs.pendingImport.entry) : null;
    case 'pending_import_op':
      return cs.pendingImport?.operation ?? null;
    case 'unapplied_export':
      return cs.unappliedExport ? encodeDelta(cs.unappliedExport) : null;
    case 'unapplied_export_op':
      return cs.unappliedExport?.operation ?? null;
    case 'escrowed_export':
      return cs.escrowedExport ? encodeDelta(cs.escrowedExport) : null;
    case 'export_error':
      return toJson(cs.exportError);
    case 'import_error':
      return toJson(cs.importError);
  }
}

/** Parameters of the CS upsert, in `CS_COLUMNS` order (positional binding is the cheaper one). */
export function csToParams(cs: CsObject): unknown[] {
  return CS_COLUMNS.map((column) => csColumnValue(cs, column));
}

/** Rebuilds the CS object from its row, decoding each tower part. */
export function rowToCs(row: CsRow): CsObject {
  return {
    id: row.id,
    connector: row.connector,
    dn: row.dn,
    anchor: row.anchor,
    objectType: row.object_type,
    synchronizedHologram: fromJson<Entry>(row.synchronized_hologram),
    pendingImport:
      row.pending_import === null
        ? null
        : {
            operation: row.pending_import_op as PendingImport['operation'],
            entry: fromJson<Entry>(row.pending_import),
          },
    unappliedExport: row.unapplied_export === null ? null : decodeDelta(row.unapplied_export),
    escrowedExport: row.escrowed_export === null ? null : decodeDelta(row.escrowed_export),
    exportError: fromJson<ExportError>(row.export_error),
    importError: fromJson<ImportError>(row.import_error),
    mvId: row.mv_id,
    connectorState: row.connector_state as ConnectorState,
    linkRule: row.link_rule,
    isProvisioned: row.is_provisioned !== 0,
    lastImportRun: row.last_import_run,
    modifiedAt: row.modified_at,
  };
}

/** A `mv_objects` row. */
export interface MvRow {
  id: string;
  object_type: string;
  attributes: string;
  contributions: string;
  modified_at: string;
}

/** The `mv_objects` row of an MV object. */
export function mvToRow(mv: MvObject): MvRow {
  return {
    id: mv.id,
    object_type: mv.objectType,
    attributes: stringifyWithValues(mv.attributes),
    contributions: encodeContributions(mv.contributions),
    modified_at: mv.modifiedAt,
  };
}

/** Rebuilds the MV object from its row. */
export function rowToMv(row: MvRow): MvObject {
  return {
    id: row.id,
    objectType: row.object_type,
    attributes: parseWithValues<Attributes>(row.attributes),
    contributions: decodeContributions(row.contributions),
    modifiedAt: row.modified_at,
  };
}
