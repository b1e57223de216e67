import type { AttributeChange, Entry, ObjectDelta } from '../core/connector-space.js';
import { bytesToBase64, isReference, typeOfValue, type Attributes, type AttributeValue } from '../core/values.js';
import { compareNames } from './apply-delta.js';
import type { MultivaluedNames } from './multivalued.js';
import { escapeXml } from './text-escape.js';

/** Renders the tower's `entry` and `delta` elements of csexport XML (reference §1.5–§1.7), one line, no whitespace. */
export interface XmlRenderContext {
  readonly multivalued: MultivaluedNames;
  /** The directory anchor, written as `<anchor>` (plain text) when known. */
  readonly anchor: string | null;
}

const OBJECT_CLASS = 'objectclass';
const ADD_LIKE = new Set(['add', 'replace', 'delete-add']);

/**
 * Encodes one value as csexport text: integers as `0x` hex of their 64-bit two's complement
 * (-2147483646 → `0xffffffff80000002`), booleans `true`/`false`, binary as base64 (the caller adds
 * `encoding="base64"`), references as their DN, strings as they are. Not XML-escaped.
 */
export function encodeCsExportValue(value: AttributeValue): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      if (!Number.isInteger(value)) return String(value);
      return value >= 0 ? '0x' + value.toString(16) : '0x' + BigInt.asUintN(64, BigInt(value)).toString(16);
    case 'bigint':
      return '0x' + BigInt.asUintN(64, value).toString(16);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value instanceof Uint8Array ? bytesToBase64(value) : value.ref;
  }
}

function valueXml(value: AttributeValue, operation: string | null): string {
  const op = operation === null ? '' : ` operation="${operation}"`;
  if (isReference(value)) return `<dn-value${op}><dn>${escapeXml(value.ref)}</dn></dn-value>`;
  const encoding = value instanceof Uint8Array ? ' encoding="base64"' : '';
  return `<value${op}${encoding}>${escapeXml(encodeCsExportValue(value))}</value>`;
}

function attrOpen(
  name: string,
  sample: AttributeValue | undefined,
  isMultivalued: boolean,
  operation: string | null,
): string {
  const op = operation === null ? '' : ` operation="${operation}"`;
  const mv = isMultivalued ? 'true' : 'false';
  if (sample !== undefined && isReference(sample))
    return `<dn-attr name="${escapeXml(name)}" multivalued="${mv}"${op}>`;
  const type = sample === undefined ? 'string' : typeOfValue(sample);
  return `<attr name="${escapeXml(name)}" type="${type}" multivalued="${mv}"${op}>`;
}

function attrClose(sample: AttributeValue | undefined): string {
  return sample !== undefined && isReference(sample) ? '</dn-attr>' : '</attr>';
}

function classesXml(objectType: string, attributes: Attributes | null): string {
  const key = attributes ? Object.keys(attributes).find((k) => k.toLowerCase() === OBJECT_CLASS) : undefined;
  const classes = key && attributes ? (attributes[key] ?? []).map(String) : [objectType];
  const values = classes.map((c) => `<oc-value>${escapeXml(c)}</oc-value>`).join('');
  return `<primary-objectclass>${escapeXml(objectType)}</primary-objectclass><objectclass>${values}</objectclass>`;
}

function anchorXml(anchor: string | null): string {
  return anchor === null ? '' : `<anchor>${escapeXml(anchor)}</anchor>`;
}

/** Reference attributes first (`dn-attr*` precedes `attr*` in the schema), each group sorted by name. */
function orderForXml<T>(items: readonly T[], name: (t: T) => string, isRef: (t: T) => boolean): T[] {
  return [...items].sort((a, b) => {
    const ra = isRef(a) ? 0 : 1;
    const rb = isRef(b) ? 0 : 1;
    return ra !== rb ? ra - rb : compareNames(name(a), name(b));
  });
}

/** `<entry dn>` with anchor, classes, then the non-empty attributes (objectClass goes in `objectclass`). */
export function renderEntry(entry: Entry, context: XmlRenderContext): string {
  const names = Object.keys(entry.attributes).filter(
    (n) => n.toLowerCase() !== OBJECT_CLASS && (entry.attributes[n]?.length ?? 0) > 0,
  );
  const sample = (n: string): AttributeValue | undefined => entry.attributes[n]?.[0];
  let out = `<entry dn="${escapeXml(entry.dn)}">${anchorXml(context.anchor)}${classesXml(entry.objectType, entry.attributes)}`;
  for (const name of orderForXml(
    names,
    (n) => n,
    (n) => isRefSample(sample(n)),
  )) {
    const values = entry.attributes[name] ?? [];
    out += attrOpen(name, values[0], context.multivalued.isMultivalued(name, values.length), null);
    for (const value of values) out += valueXml(value, null);
    out += attrClose(values[0]);
  }
  return out + '</entry>';
}

function isRefSample(value: AttributeValue | undefined): boolean {
  return value !== undefined && isReference(value);
}

function changeSample(change: AttributeChange, before: Attributes | null): AttributeValue | undefined {
  switch (change.operation) {
    case 'add':
    case 'replace':
      return change.values[0] ?? before?.[change.name]?.[0];
    case 'update':
      return change.add[0] ?? change.remove[0] ?? before?.[change.name]?.[0];
    case 'delete':
      return before?.[change.name]?.[0];
  }
}

/**
 * `<delta operation dn [newdn]>`. In `add`/`replace`/`delete-add` deltas attributes carry no
 * operation; in `update` deltas `attr`/`dn-attr` carry theirs and values of an `update` carry
 * `add`/`delete`. `before` (the image the delta applies to) supplies the type of a deleted attribute.
 */
export function renderDelta(delta: ObjectDelta, before: Attributes | null, context: XmlRenderContext): string {
  const newDn = delta.newDn === undefined ? '' : ` newdn="${escapeXml(delta.newDn)}"`;
  const head = `<delta operation="${delta.operation}" dn="${escapeXml(delta.dn)}"${newDn}>${anchorXml(context.anchor)}`;
  if (delta.operation === 'delete') return head + '</delta>';
  const isAddLike = ADD_LIKE.has(delta.operation);
  const addValues = isAddLike ? Object.fromEntries(delta.changes.map((c) => [c.name, changeValues(c)])) : null;
  let out =
    head +
    (isAddLike
      ? classesXml(delta.objectType, addValues)
      : `<primary-objectclass>${escapeXml(delta.objectType)}</primary-objectclass>`);
  const changes = delta.changes.filter(
    (c) => !isAddLike || (c.operation !== 'delete' && c.name.toLowerCase() !== OBJECT_CLASS),
  );
  const ordered = orderForXml(
    changes,
    (c) => c.name,
    (c) => isRefSample(changeSample(c, before)),
  );
  for (const change of ordered) out += changeXml(change, before, isAddLike, context.multivalued);
  return out + '</delta>';
}

function changeValues(change: AttributeChange): readonly AttributeValue[] {
  if (change.operation === 'update') return change.add;
  return change.operation === 'delete' ? [] : change.values;
}

function changeXml(
  change: AttributeChange,
  before: Attributes | null,
  isAddLike: boolean,
  multivalued: MultivaluedNames,
): string {
  const sample = changeSample(change, before);
  const operation = isAddLike ? null : change.operation;
  const beforeCount = before?.[change.name]?.length ?? 0;
  if (change.operation === 'update' && !isAddLike) {
    let out = attrOpen(change.name, sample, true, operation);
    for (const value of change.add) out += valueXml(value, 'add');
    for (const value of change.remove) out += valueXml(value, 'delete');
    return out + attrClose(sample);
  }
  const values = changeValues(change);
  let out = attrOpen(
    change.name,
    sample,
    multivalued.isMultivalued(change.name, Math.max(values.length, beforeCount)),
    operation,
  );
  for (const value of values) out += valueXml(value, null);
  return out + attrClose(sample);
}
