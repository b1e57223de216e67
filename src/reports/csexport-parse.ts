import { base64ToBytes, type AttributeValue } from '../core/values.js';
import type {
  CsExportAttribute,
  CsExportDelta,
  CsExportEntry,
  CsExportError,
  CsExportObject,
  CsExportValue,
} from './csexport-object.js';
import { ReportInputError } from './report-input-error.js';

/** A parsed XML element: the small tree the reader builds for one `cs-object` at a time. */
export interface XmlNode {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  text: string;
}

function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

function childText(node: XmlNode | undefined, name: string): string | null {
  const found = child(node, name);
  return found ? found.text : null;
}

/** Converts a `cs-object` element into a `CsExportObject`. Unknown children are ignored. */
export function parseCsObjectNode(node: XmlNode): CsExportObject {
  const connector = childText(node, 'connector')?.trim().toLowerCase();
  return {
    id: node.attributes['id'] ?? '',
    csDn: node.attributes['cs-dn'] ?? '',
    objectType: node.attributes['object-type'] ?? '',
    unappliedExport: parseDelta(child(node, 'unapplied-export')),
    escrowedExport: parseDelta(child(node, 'escrowed-export')),
    pendingImport: parseDelta(child(node, 'pending-import')),
    synchronizedHologram: parseEntry(child(child(node, 'synchronized-hologram'), 'entry')),
    unappliedExportHologram: parseEntry(child(child(node, 'unapplied-export-hologram'), 'entry')),
    escrowedExportHologram: parseEntry(child(child(node, 'escrowed-export-hologram'), 'entry')),
    pendingImportHologram: parseEntry(child(child(node, 'pending-import-hologram'), 'entry')),
    isConnector: connector === undefined ? null : connector === '1' || connector === 'true',
    connectorState: childText(node, 'connector-state')?.trim() ?? null,
    mvLink: childText(node, 'mv-link')?.trim() ?? null,
    exportError: parseError(child(child(node, 'export-errordetail'), 'export-status')),
    importError: parseError(child(child(node, 'import-errordetail'), 'import-status')),
    maName: childText(node, 'ma-name'),
  };
}

function parseDelta(container: XmlNode | undefined): CsExportDelta | null {
  const delta = child(container, 'delta');
  if (!delta) return null;
  const entry = parseEntry(delta)!;
  return { ...entry, operation: delta.attributes['operation'] ?? 'none', newDn: delta.attributes['newdn'] ?? null };
}

function parseEntry(entry: XmlNode | undefined): CsExportEntry | null {
  if (!entry) return null;
  const attributes: CsExportAttribute[] = [];
  for (const c of entry.children) {
    if (c.name === 'attr') attributes.push(parseAttr(c));
    else if (c.name === 'dn-attr') attributes.push(parseDnAttr(c));
  }
  const objectClasses = (child(entry, 'objectclass')?.children ?? [])
    .filter((c) => c.name === 'oc-value')
    .map((c) => c.text.trim());
  return {
    dn: entry.attributes['dn'] ?? '',
    anchor: childText(entry, 'anchor')?.trim() ?? null,
    primaryObjectClass: childText(entry, 'primary-objectclass')?.trim() ?? null,
    objectClasses,
    attributes,
  };
}

function isTrue(text: string | undefined): boolean {
  return text !== undefined && (text.toLowerCase() === 'true' || text === '1');
}

function parseAttr(node: XmlNode): CsExportAttribute {
  const name = node.attributes['name'] ?? '';
  const type = (node.attributes['type'] ?? 'string').toLowerCase();
  const values: CsExportValue[] = [];
  for (const c of node.children) {
    if (c.name !== 'value') continue;
    const value = parseValue(c.text, type, c.attributes['encoding'], name);
    values.push({ value, operation: c.attributes['operation'] ?? null });
  }
  return {
    name,
    type,
    isMultivalued: isTrue(node.attributes['multivalued']),
    operation: node.attributes['operation'] ?? null,
    values,
  };
}

function parseDnAttr(node: XmlNode): CsExportAttribute {
  const values: CsExportValue[] = [];
  for (const c of node.children) {
    if (c.name !== 'dn-value') continue;
    values.push({ value: { ref: childText(c, 'dn') ?? '' }, operation: c.attributes['operation'] ?? null });
  }
  return {
    name: node.attributes['name'] ?? '',
    type: 'reference',
    isMultivalued: isTrue(node.attributes['multivalued']),
    operation: node.attributes['operation'] ?? null,
    values,
  };
}

/**
 * Decodes a `value`: base64 (`encoding="base64"` or type `binary`) → bytes; `integer` → number
 * (bigint beyond 2^53) from `0x` hex (64-bit two's complement) or decimal; `boolean` → true/false;
 * strings exactly as written. Non-string values are trimmed first (pretty-printed files).
 */
export function parseValue(
  text: string,
  type: string,
  encoding: string | undefined,
  attribute: string,
): AttributeValue {
  if (encoding?.toLowerCase() === 'base64' || type === 'binary') {
    try {
      return base64ToBytes(text.trim());
    } catch (error) {
      throw new ReportInputError(
        `csexport XML: attribute "${attribute}" has a value that is not base64`,
        {},
        { cause: error },
      );
    }
  }
  if (type === 'integer') return parseIntegerValue(text.trim());
  if (type === 'boolean') {
    const lower = text.trim().toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
  }
  return text;
}

function parseIntegerValue(text: string): AttributeValue {
  let big: bigint;
  if (/^0x[0-9a-f]{1,16}$/i.test(text)) big = BigInt.asIntN(64, BigInt(text));
  else if (/^[-+]?\d+$/.test(text)) big = BigInt(text);
  else return text;
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

function parseError(status: XmlNode | undefined): CsExportError | null {
  if (!status) return null;
  const cdError = child(status, 'cd-error');
  const retry = childText(status, 'retry-count');
  return {
    type: childText(status, 'error-type'),
    code: childText(cdError, 'error-code'),
    name: childText(cdError, 'error-name'),
    literal: childText(cdError, 'error-literal'),
    detail: childText(cdError, 'server-error-detail'),
    dateOccurred: childText(status, 'date-occurred'),
    firstOccurred: childText(status, 'first-occurred'),
    retryCount: retry === null || !/^\d+$/.test(retry.trim()) ? null : Number(retry.trim()),
  };
}
