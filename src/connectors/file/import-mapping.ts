import type { ImportItem } from '../../core/connector.js';
import type { AttributeValue } from '../../core/values.js';
import { anchorOf, type FileObject, type FileSchema } from './file-object.js';

/** Options of `mapToImportItem` that differ between formats. */
export interface ImportMappingOptions {
  /** Attributes kept whatever `attributeInclusion` says (LDIF keeps objectClass). */
  readonly alwaysKept: ReadonlySet<string>;
}

/**
 * Maps a file object to what an import yields: an `entry`, an `error` item (no object type, no anchor,
 * undecodable text), or null when the object type is filtered out by `objectTypes`.
 */
export function mapToImportItem(
  object: FileObject,
  line: number,
  schema: FileSchema,
  options: ImportMappingOptions,
): ImportItem | null {
  const position = `line ${line}`;
  const { dn } = object;
  if (object.objectType === null || object.objectType === '') {
    return { kind: 'error', message: `entry "${dn}" has no object type`, dn, position };
  }
  if (schema.objectTypes && !schema.objectTypes.has(object.objectType.toLowerCase())) return null;
  const anchor = anchorOf(object, schema);
  if (anchor === null) {
    return {
      kind: 'error',
      message: `entry "${dn}" has no value for anchor attribute "${schema.anchorAttribute}"`,
      dn,
      position,
    };
  }
  const attributes: Record<string, readonly AttributeValue[]> = {};
  for (const [key, attribute] of object.attributes) {
    if (schema.inclusion && !schema.inclusion.has(key) && !options.alwaysKept.has(key)) continue;
    if (!schema.binary.has(key) && attribute.values.some((v) => v instanceof Uint8Array)) {
      return {
        kind: 'error',
        message: `entry "${dn}": attribute "${attribute.name}" is not valid UTF-8 text (declare it in binaryAttributes)`,
        dn,
        anchor,
        position,
      };
    }
    attributes[attribute.name] = attribute.values;
  }
  return { kind: 'entry', entry: { dn, objectType: object.objectType, anchor, attributes } };
}
