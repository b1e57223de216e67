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

/** A `cs_objects` row; tower parts are JSON written by `stringifyWithValues`. */
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

/** Parameters of the CS upsert, in `CS_COLUMNS` order (positional binding is the cheaper one). */
export function csToParams(cs: CsObject): unknown[] {
  return [
    cs.id,
    cs.connector,
    cs.dn,
    normalizeDn(cs.dn),
    cs.anchor,
    cs.objectType,
    cs.mvId,
    cs.connectorState,
    cs.linkRule,
    cs.isProvisioned ? 1 : 0,
    cs.modifiedAt,
    toJson(cs.synchronizedHologram),
    toJson(cs.pendingImport),
    cs.pendingImport?.operation ?? null,
    cs.unappliedExport ? encodeDelta(cs.unappliedExport) : null,
    cs.unappliedExport?.operation ?? null,
    cs.escrowedExport ? encodeDelta(cs.escrowedExport) : null,
    toJson(cs.exportError),
    toJson(cs.importError),
  ];
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
    pendingImport: fromJson<PendingImport>(row.pending_import),
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
