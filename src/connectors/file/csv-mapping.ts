import { isDnValid } from '../../core/dn.js';
import type { CsvConnectorConfig } from '../../config/connector-config.js';
import type { AttributeChange } from '../../core/connector-space.js';
import { valueToText, type AttributeValue } from '../../core/values.js';
import { fileFormatError } from './file-errors.js';
import type { FileItem, FileRewriter } from './file-format.js';
import type { FileObject, FileSchema } from './file-object.js';
import { parseCsv, type CsvItem } from './csv-parser.js';
import { renderCsvRow } from './csv-writer.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Column positions of a CSV file, checked against the config. */
export interface CsvLayout {
  readonly columns: readonly string[];
  readonly dnIndex: number;
  readonly objectTypeIndex: number | null;
}

/** Reads the header row; throws `ConnectorError` (input) for duplicate or missing required columns. */
export function layoutOf(header: readonly string[], config: CsvConnectorConfig): CsvLayout {
  const lower = header.map((c) => c.toLowerCase());
  const duplicate = lower.find((c, i) => lower.indexOf(c) !== i);
  if (duplicate !== undefined)
    throw fileFormatError(config.name, config.path, `duplicate column "${duplicate}" in the header`);
  const dnIndex = lower.indexOf(config.dnColumn.toLowerCase());
  if (dnIndex < 0) throw fileFormatError(config.name, config.path, `the header has no DN column "${config.dnColumn}"`);
  let objectTypeIndex: number | null = null;
  if (config.objectTypeColumn !== null) {
    objectTypeIndex = lower.indexOf(config.objectTypeColumn.toLowerCase());
    if (objectTypeIndex < 0)
      throw fileFormatError(
        config.name,
        config.path,
        `the header has no object type column "${config.objectTypeColumn}"`,
      );
  }
  return { columns: header, dnIndex, objectTypeIndex };
}

/** Types one cell's values: binary cells are base64, reference cells DNs; empty values are dropped. */
function typeCell(
  key: string,
  cell: string,
  config: CsvConnectorConfig,
  schema: FileSchema,
): AttributeValue[] | string {
  const parts = config.multiValueSeparator === '' ? [cell] : cell.split(config.multiValueSeparator);
  const values: AttributeValue[] = [];
  for (const part of parts) {
    if (part === '') continue;
    if (schema.binary.has(key)) {
      if (!BASE64.test(part)) return 'invalid base64';
      values.push(new Uint8Array(Buffer.from(part, 'base64')));
    } else values.push(schema.reference.has(key) ? { ref: part } : part);
  }
  return values;
}

/** Maps one CSV row to a file item (an object, or an invalid row with its line). */
export function mapCsvRow(item: CsvItem, layout: CsvLayout, config: CsvConnectorConfig, schema: FileSchema): FileItem {
  const { line, raw } = item;
  if (item.kind === 'error') return { kind: 'invalid', line, raw, message: item.message };
  const { fields } = item;
  if (fields.length !== layout.columns.length) {
    return {
      kind: 'invalid',
      line,
      raw,
      message: `line ${line}: expected ${layout.columns.length} fields, found ${fields.length}`,
    };
  }
  const dn = fields[layout.dnIndex] ?? '';
  if (dn === '' || !isDnValid(dn)) {
    return { kind: 'invalid', line, raw, message: `line ${line}: ${dn === '' ? 'empty DN' : `invalid DN "${dn}"`}` };
  }
  const objectType = layout.objectTypeIndex === null ? config.objectType : fields[layout.objectTypeIndex] || null;
  const object: FileObject = { dn, objectType, attributes: new Map() };
  for (let i = 0; i < fields.length; i++) {
    if (i === layout.dnIndex || i === layout.objectTypeIndex) continue;
    const name = layout.columns[i] as string;
    const values = typeCell(name.toLowerCase(), fields[i] as string, config, schema);
    if (typeof values === 'string')
      return { kind: 'invalid', line, raw, message: `line ${line}: column "${name}": ${values}`, dn };
    if (values.length > 0) object.attributes.set(name.toLowerCase(), { name, values });
  }
  return { kind: 'object', line, raw, object };
}

/** Refuses values the file cannot hold faithfully: text containing the multi-value separator. */
export function checkCsvChanges(changes: readonly AttributeChange[], separator: string): string | null {
  for (const change of changes) {
    const values = change.operation === 'delete' ? [] : change.operation === 'update' ? change.add : change.values;
    for (const value of values) {
      let text: string;
      try {
        text = valueToText(value);
      } catch {
        return `attribute "${change.name}" has a value that is not an attribute value`;
      }
      if (separator !== '' && text.includes(separator)) {
        return `attribute "${change.name}": value contains the multi-value separator "${separator}"`;
      }
    }
  }
  return null;
}

/**
 * A CSV rewrite. The header gains a column for each attribute the export writes that it lacks; rows
 * are then re-rendered with empty cells, otherwise kept byte for byte. New files get CRLF (RFC 4180).
 */
export function createCsvRewriter(config: CsvConnectorConfig, attributeNames: readonly string[]): FileRewriter {
  let columns: string[] | null = null;
  let isExtended = false;
  let newline = '\r\n';
  const row = (fields: readonly string[]): string => renderCsvRow(fields, config.delimiter, newline);
  const extend = (header: readonly string[]): string[] => {
    const result = [...header];
    const present = new Set(header.map((c) => c.toLowerCase()));
    for (const name of attributeNames) {
      if (present.has(name.toLowerCase())) continue;
      present.add(name.toLowerCase());
      result.push(name);
      isExtended = true;
    }
    return result;
  };
  const start = (): string => {
    if (columns !== null) return '';
    const base = [config.dnColumn];
    if (config.objectTypeColumn !== null) base.push(config.objectTypeColumn);
    if (config.anchorAttribute.toLowerCase() !== 'dn') base.push(config.anchorAttribute);
    columns = extend(base);
    return row(columns);
  };
  return {
    keep(item) {
      if (columns === null && item.kind === 'other') {
        const header = parseCsv(item.raw, config.delimiter)[0];
        if (header?.kind === 'row') {
          newline = item.raw.endsWith('\r\n') ? '\r\n' : '\n';
          columns = extend(header.fields);
          return isExtended ? row(columns) : item.raw;
        }
      }
      const prefix = start();
      if (item.kind !== 'object' || !isExtended) return prefix + item.raw;
      const fields = parseCsv(item.raw, config.delimiter)[0];
      if (fields?.kind !== 'row') return prefix + item.raw;
      return (
        prefix + row([...fields.fields, ...new Array<string>((columns?.length ?? 0) - fields.fields.length).fill('')])
      );
    },
    render(object) {
      const prefix = start();
      const dnColumn = config.dnColumn.toLowerCase();
      const typeColumn = config.objectTypeColumn?.toLowerCase();
      const cells = (columns ?? []).map((column) => {
        const key = column.toLowerCase();
        if (key === dnColumn) return object.dn;
        if (key === typeColumn) return object.objectType ?? '';
        return (object.attributes.get(key)?.values ?? []).map(valueToText).join(config.multiValueSeparator);
      });
      return prefix + row(cells);
    },
    finish: start,
  };
}
