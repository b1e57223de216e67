import { bytesToBase64, valueToText, type AttributeValue } from '../core/values.js';
import { describeCounts, type PendingCounts } from './pending-counts.js';
import type { PendingChange, PendingRow } from './pending-rows.js';
import { csvRow, joinValues } from './text-escape.js';

/** Totals a renderer may print at the end. */
export interface PendingStats {
  readonly objects: number;
  readonly counts: PendingCounts;
  /** Attribute name → number of objects changing it, sorted by name. */
  readonly attributes: readonly (readonly [string, number])[];
}

/** Turns pending rows into text, one object at a time, so output streams. */
export interface PendingRenderer {
  start(): string;
  row(row: PendingRow): string;
  end(stats: PendingStats): string;
}

/** The pending CSV header (documented in docs/reports.md). */
export const PENDING_CSV_HEADER = [
  'Object ID',
  'DN',
  'New DN',
  'Object Type',
  'Operation',
  'UPN',
  'Display Name',
  'Source Anchor',
  'Mail',
  'Attribute',
  'Change',
  'Old Values',
  'New Values',
  'Values Added',
  'Values Removed',
  'Sync Rule',
] as const;

const texts = (values: readonly AttributeValue[]): string[] => values.map(valueToText);

/** CSV: one row per attribute change (one row with empty attribute cells for a delete), no footer. */
export function csvPendingRenderer(): PendingRenderer {
  return {
    start: () => csvRow(PENDING_CSV_HEADER),
    row(row) {
      const lead = [row.id, row.dn, row.newDn ?? '', row.objectType, row.operation, ...identifierCells(row)];
      if (row.changes.length === 0) return csvRow([...lead, '', '', '', '', '', '', '']);
      return row.changes
        .map((c) =>
          csvRow([
            ...lead,
            c.attribute,
            c.change,
            joinValues(texts(c.oldValues)),
            joinValues(texts(c.newValues)),
            joinValues(texts(c.added)),
            joinValues(texts(c.removed)),
            c.rule ?? '',
          ]),
        )
        .join('');
    },
    end: () => '',
  };
}

function identifierCells(row: PendingRow): string[] {
  const i = row.identifiers;
  return [i.userPrincipalName, i.displayName, i.sourceAnchor, i.mail];
}

function jsonValue(value: AttributeValue): string | number | boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    default:
      return value instanceof Uint8Array ? bytesToBase64(value) : value.ref;
  }
}

/** The JSON form of a row: binary as base64, integers beyond 2^53 as decimal strings, references as DNs. */
export function pendingRowJson(row: PendingRow): unknown {
  return {
    id: row.id,
    dn: row.dn,
    newDn: row.newDn,
    objectType: row.objectType,
    operation: row.operation,
    kind: row.kind,
    identifiers: row.identifiers,
    changes: row.changes.map((c) => ({
      attribute: c.attribute,
      change: c.change,
      type: c.type,
      old: c.oldValues.map(jsonValue),
      new: c.newValues.map(jsonValue),
      added: c.added.map(jsonValue),
      removed: c.removed.map(jsonValue),
      rule: c.rule,
    })),
  };
}

/** JSON: one array, one object per line (`[`, rows joined by `,` + newline, `]`), valid JSON as a whole. */
export function jsonPendingRenderer(): PendingRenderer {
  let isFirst = true;
  return {
    start: () => '[\n',
    row(row) {
      const prefix = isFirst ? '' : ',\n';
      isFirst = false;
      return prefix + JSON.stringify(pendingRowJson(row));
    },
    end: () => (isFirst ? ']\n' : '\n]\n'),
  };
}

const SHOWN_VALUES = 5;

/** Makes control characters visible (`\u001b`), so a value cannot drive the terminal. */
function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function shown(values: readonly AttributeValue[], sign = ''): string {
  if (values.length === 0) return '(none)';
  const head = values.slice(0, SHOWN_VALUES).map((v) => sign + terminalSafe(valueToText(v)));
  const more = values.length > SHOWN_VALUES ? ` … (+${values.length - SHOWN_VALUES} more)` : '';
  return head.join(', ') + more;
}

function changeText(c: PendingChange): string {
  if (c.change === 'update')
    return [c.added.length ? shown(c.added, '+') : '', c.removed.length ? shown(c.removed, '-') : '']
      .filter(Boolean)
      .join(', ');
  return `${shown(c.oldValues)} → ${shown(c.newValues)}`;
}

/**
 * Table: one block per object — a heading line (operation, type, DN, → new DN, id), an identifier
 * line, then one aligned line per attribute (name, change, rule, old → new; `update` shows `+added`
 * and `-removed` values; at most 5 values each, then a count). Control characters are shown escaped.
 */
export function tablePendingRenderer(connector: string): PendingRenderer {
  return {
    start: () => `Pending exports: ${terminalSafe(connector)}\n`,
    row(row) {
      const rename = row.newDn === null ? '' : ` → ${terminalSafe(row.newDn)}`;
      let out = `\n${row.kind.toUpperCase()} ${terminalSafe(row.objectType)} ${terminalSafe(row.dn)}${rename}  (id ${row.id})\n`;
      const ids = row.identifiers;
      const idParts = [
        ['upn', ids.userPrincipalName],
        ['displayName', ids.displayName],
        ['sourceAnchor', ids.sourceAnchor],
        ['mail', ids.mail],
      ].filter(([, v]) => v !== '');
      if (idParts.length > 0) out += '  ' + idParts.map(([k, v]) => `${k}=${terminalSafe(v!)}`).join('  ') + '\n';
      const nameWidth = Math.max(0, ...row.changes.map((c) => c.attribute.length));
      const ruleWidth = Math.max(0, ...row.changes.map((c) => (c.rule ?? '-').length));
      for (const c of row.changes) {
        const rule = terminalSafe(c.rule ?? '-').padEnd(ruleWidth);
        out += `  ${terminalSafe(c.attribute).padEnd(nameWidth)}  ${c.change.padEnd(7)}  ${rule}  ${changeText(c)}\n`;
      }
      return out;
    },
    end: (stats) =>
      `\n${stats.objects} pending export${stats.objects === 1 ? '' : 's'}: ${describeCounts(stats.counts)}\n`,
  };
}
