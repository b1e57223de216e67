import { randomUUID } from 'node:crypto';
import type { AttributeChange } from '../../core/connector-space.js';
import { normalizeDn } from '../../core/dn.js';
import type { FileConnectorCommon } from '../../config/connector-config.js';
import { valueKey, valueToText, type AttributeValue } from '../../core/values.js';

/** One attribute of a file object: the name as first written, and its values. */
export interface FileAttribute {
  readonly name: string;
  values: AttributeValue[];
}

/**
 * A directory object as stored in a file, typed by the connector's config (binary attributes hold
 * `Uint8Array`, reference attributes `Reference`). Lossless: what the export rewrite edits and writes.
 * Attributes are keyed by lower-cased name (attribute names are case-insensitive).
 */
export interface FileObject {
  dn: string;
  /** From the object-type column (CSV) or objectClass (LDIF); null when the record has none. */
  objectType: string | null;
  readonly attributes: Map<string, FileAttribute>;
}

/** The config's attribute lists as lower-cased sets. */
export interface FileSchema {
  readonly anchorAttribute: string;
  readonly isDnAnchor: boolean;
  readonly binary: ReadonlySet<string>;
  readonly reference: ReadonlySet<string>;
  /** Null: keep every attribute. */
  readonly inclusion: ReadonlySet<string> | null;
  /** Null: import every object type. */
  readonly objectTypes: ReadonlySet<string> | null;
}

const lower = (names: readonly string[]): Set<string> => new Set(names.map((n) => n.toLowerCase()));

/** Builds the lookup sets of a file connector's config. */
export function createFileSchema(config: FileConnectorCommon): FileSchema {
  return {
    anchorAttribute: config.anchorAttribute,
    isDnAnchor: config.anchorAttribute.toLowerCase() === 'dn',
    binary: lower(config.binaryAttributes),
    reference: lower(config.referenceAttributes),
    inclusion: config.attributeInclusion.length > 0 ? lower(config.attributeInclusion) : null,
    objectTypes: config.objectTypes.length > 0 ? lower(config.objectTypes) : null,
  };
}

/** The anchor of an object: its DN when the anchor attribute is `dn`, else the anchor value's text. */
export function anchorOf(object: FileObject, schema: FileSchema): string | null {
  if (schema.isDnAnchor) return object.dn;
  const first = object.attributes.get(schema.anchorAttribute.toLowerCase())?.values[0];
  if (first === undefined) return null;
  const text = valueToText(first);
  return text === '' ? null : text;
}

/** Equality key of a value when applying changes: references compare as normalized DNs. */
function changeKey(value: AttributeValue): string {
  if (typeof value === 'object' && !(value instanceof Uint8Array)) return 'r:' + normalizeDn(value.ref);
  return valueKey(value);
}

function setValues(object: FileObject, name: string, values: readonly AttributeValue[]): void {
  const key = name.toLowerCase();
  if (values.length === 0) {
    object.attributes.delete(key);
    return;
  }
  const existing = object.attributes.get(key);
  object.attributes.set(key, { name: existing?.name ?? name, values: [...values] });
}

/** Applies attribute changes in order (csexport semantics: add, replace, update, delete). */
export function applyAttributeChanges(object: FileObject, changes: readonly AttributeChange[]): void {
  for (const change of changes) {
    const current = object.attributes.get(change.name.toLowerCase())?.values ?? [];
    switch (change.operation) {
      case 'add':
      case 'update': {
        const removeKeys = new Set(change.operation === 'update' ? change.remove.map(changeKey) : []);
        const kept = current.filter((v) => !removeKeys.has(changeKey(v)));
        const keys = new Set(kept.map(changeKey));
        for (const value of change.operation === 'add' ? change.values : change.add) {
          if (!keys.has(changeKey(value))) kept.push(value);
          keys.add(changeKey(value));
        }
        setValues(object, change.name, kept);
        break;
      }
      case 'replace':
        setValues(object, change.name, change.values);
        break;
      case 'delete':
        setValues(object, change.name, []);
        break;
    }
  }
}

/** Replaces all attributes with `attributes`, as an object-level `replace` does. */
export function replaceAttributes(
  object: FileObject,
  attributes: Readonly<Record<string, readonly AttributeValue[]>>,
): void {
  object.attributes.clear();
  for (const [name, values] of Object.entries(attributes)) setValues(object, name, values);
}

/**
 * Generates an anchor for an object created by export (`generateAnchorOnAdd`): a random UUID, stored
 * as its 16 bytes when the anchor attribute is binary (objectGUID-like), and returns its anchor text.
 */
export function generateAnchor(object: FileObject, schema: FileSchema): string {
  const uuid = randomUUID();
  const value = schema.binary.has(schema.anchorAttribute.toLowerCase())
    ? new Uint8Array(Buffer.from(uuid.replaceAll('-', ''), 'hex'))
    : uuid;
  setValues(object, schema.anchorAttribute, [value]);
  return valueToText(value);
}
