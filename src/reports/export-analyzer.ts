import { valueToText } from '../core/values.js';
import { BufferedOutput } from './buffered-output.js';
import type { CsExportAttribute, CsExportDelta, CsExportObject, CsExportValue } from './csexport-object.js';
import { readCsExportBatches } from './csexport-reader.js';
import { csvRow, joinValues } from './text-escape.js';

/** The export-analyzer CSV header (documented in docs/reports.md). */
export const EXPORT_ANALYZER_HEADER = [
  'Object Identifier',
  'DN',
  'Object Type',
  'OMODT',
  'Attribute Name',
  'AMODT',
  'Values Added Count',
  'Values Removed Count',
  'Values Added',
  'Values Removed',
] as const;

/** Object-level totals of an export-analyzer run (the footer row). */
export interface ExportAnalyzerResult {
  readonly objects: number;
  readonly rows: number;
  readonly adds: number;
  readonly updates: number;
  readonly deletes: number;
  readonly deleteAdds: number;
  /** Updates that carry a new DN (also counted in `updates`). */
  readonly renames: number;
}

/**
 * CSExportAnalyzer's job: reads a csexport file (`/f:x`) and writes CSV, one row per attribute change
 * of each object's unapplied export, in file order: OMODT is the object operation (`replace` → `update`),
 * AMODT the attribute's (`replace`/`update` → `update`; attributes of an add → `add`), then counts and
 * values added/removed (values joined with `;`, see `joinValues`; integers decimal, binary base64,
 * references as DNs). A rename adds a row for attribute `dn` (old DN removed, new DN added); a delete, or
 * an update with no attribute changes, is one row with empty attribute cells. Ends with the footer row
 * `Totals,adds=N,updates=N,deletes=N,delete-adds=N,renames=N`. RFC 4180, CRLF, formula-neutralised.
 * Objects without an unapplied export are skipped. Does not end `out`.
 */
export async function analyzeExport(
  input: NodeJS.ReadableStream,
  out: NodeJS.WritableStream,
): Promise<ExportAnalyzerResult> {
  const output = new BufferedOutput(out);
  const totals = { objects: 0, rows: 0, adds: 0, updates: 0, deletes: 0, deleteAdds: 0, renames: 0 };
  output.push(csvRow(EXPORT_ANALYZER_HEADER));
  for await (const batch of readCsExportBatches(input)) {
    for (const object of batch) {
      const delta = object.unappliedExport;
      if (!delta) continue;
      const omodt = objectModification(delta.operation);
      totals.objects++;
      if (omodt === 'add') totals.adds++;
      else if (omodt === 'update') totals.updates++;
      else if (omodt === 'delete') totals.deletes++;
      else if (omodt === 'delete-add') totals.deleteAdds++;
      if (delta.newDn !== null && omodt === 'update') totals.renames++;
      // The lead cells are escaped once per object, not once per row.
      const lead = csvRow([object.id, delta.dn, object.objectType, omodt]).slice(0, -2) + ',';
      for (const change of analyzerChanges(delta, omodt)) {
        output.push(lead + csvRow(change));
        totals.rows++;
      }
    }
    await output.flushIfFull();
  }
  output.push(
    csvRow([
      'Totals',
      `adds=${totals.adds}`,
      `updates=${totals.updates}`,
      `deletes=${totals.deletes}`,
      `delete-adds=${totals.deleteAdds}`,
      `renames=${totals.renames}`,
    ]),
  );
  await output.flush();
  return totals;
}

function objectModification(operation: string): string {
  return operation === 'replace' ? 'update' : operation;
}

function attributeModification(attribute: CsExportAttribute, omodt: string): string {
  switch (attribute.operation) {
    case null:
      return omodt === 'update' ? 'update' : 'add';
    case 'replace':
    case 'update':
      return 'update';
    default:
      return attribute.operation;
  }
}

/** The CSV rows (cells before escaping) of one object's unapplied export. */
export function analyzerRows(object: CsExportObject, delta: CsExportDelta, omodt: string): string[][] {
  const lead = [object.id, delta.dn, object.objectType, omodt];
  return analyzerChanges(delta, omodt).map((change) => [...lead, ...change]);
}

/**
 * The last six cells of each row of `analyzerRows` (attribute, AMODT, counts, values): the first four
 * (id, DN, type, OMODT) are the same on every row of an object.
 */
function analyzerChanges(delta: CsExportDelta, omodt: string): string[][] {
  if (omodt === 'delete') return [['', '', '', '', '', '']];
  const rows: string[][] = [];
  if (delta.newDn !== null) rows.push(['dn', 'update', '1', '1', delta.newDn, delta.dn]);
  for (const attribute of delta.attributes) {
    const added: string[] = [];
    const removed: string[] = [];
    for (const value of attribute.values) (isRemoval(value) ? removed : added).push(valueToText(value.value));
    rows.push([
      attribute.name,
      attributeModification(attribute, omodt),
      String(added.length),
      String(removed.length),
      joinValues(added),
      joinValues(removed),
    ]);
  }
  if (rows.length === 0) rows.push(['', '', '', '', '', '']);
  return rows;
}

function isRemoval(value: CsExportValue): boolean {
  return value.operation === 'delete';
}
