import type { AttributeChange } from '../../core/connector-space.js';
import type { LdifConnectorConfig } from '../../config/connector-config.js';
import { valueToText, type AttributeValue } from '../../core/values.js';
import type { FileItem, FileRewriter } from './file-format.js';
import type { FileObject, FileSchema } from './file-object.js';
import type { LdifAttributeValue, LdifItem, LdifValue } from './ldif-record.js';
import { renderLdifRecord } from './ldif-writer.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** Types one LDIF value by the config: binary → bytes, reference → `{ref}`, else text (bytes if not UTF-8). */
function typeValue(key: string, value: LdifValue, schema: FileSchema): AttributeValue {
  if (schema.binary.has(key)) return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'utf8')) : value;
  const text = typeof value === 'string' ? value : decodeUtf8(value);
  if (text === null) return value;
  return schema.reference.has(key) ? { ref: text } : text;
}

/** The object type of an LDIF entry from its objectClass values (see `LdifConnectorConfig.objectClassMap`). */
export function objectTypeOf(
  objectClasses: readonly AttributeValue[],
  classMap: ReadonlyMap<string, string>,
): string | null {
  const names = objectClasses.filter((v): v is string => typeof v === 'string');
  for (let i = names.length - 1; i >= 0; i--) {
    const mapped = classMap.get((names[i] as string).toLowerCase());
    if (mapped !== undefined) return mapped;
  }
  return names[names.length - 1] ?? null;
}

/** Builds the file object of a content (or add) record; `;binary` is a transfer option and is dropped. */
export function mapLdifAttributes(
  dn: string,
  values: readonly LdifAttributeValue[],
  schema: FileSchema,
  classMap: ReadonlyMap<string, string>,
): FileObject {
  const object: FileObject = { dn, objectType: null, attributes: new Map() };
  for (const { name, options, value } of values) {
    const description = [name, ...options.filter((o) => o.toLowerCase() !== 'binary')].join(';');
    const key = description.toLowerCase();
    const attribute = object.attributes.get(key);
    const typed = typeValue(key, value, schema);
    if (attribute) attribute.values.push(typed);
    else object.attributes.set(key, { name: description, values: [typed] });
  }
  object.objectType = objectTypeOf(object.attributes.get('objectclass')?.values ?? [], classMap);
  return object;
}

/** Maps an LDIF parser item to a file item: change records other than `add` are invalid in a directory file. */
export function mapLdifItem(
  item: LdifItem,
  schema: FileSchema,
  classMap: ReadonlyMap<string, string>,
): FileItem | null {
  switch (item.kind) {
    case 'comment':
      return { kind: 'other', raw: item.raw };
    case 'error':
      return {
        kind: 'invalid',
        line: item.line,
        raw: item.raw,
        message: item.message,
        ...(item.dn !== undefined ? { dn: item.dn } : {}),
      };
    case 'record': {
      const { record } = item;
      if (record.kind === 'content' || record.kind === 'add') {
        return {
          kind: 'object',
          line: record.line,
          raw: item.raw,
          object: mapLdifAttributes(record.dn, record.attributes, schema, classMap),
        };
      }
      const changetype = record.kind === 'modrdn' ? record.changetype : record.kind;
      const message = `line ${record.line}: change record (changetype: ${changetype}) in a directory file`;
      return { kind: 'invalid', line: record.line, raw: item.raw, message, dn: record.dn };
    }
  }
}

/** The LDIF form of a typed value: text stays text, binary stays bytes, others become text. */
function ldifValueOf(value: AttributeValue): LdifValue {
  return value instanceof Uint8Array ? value : valueToText(value);
}

/** Renders a file object as an LDIF content record. */
export function renderLdifObject(object: FileObject): string {
  const attributes: LdifAttributeValue[] = [];
  for (const { name, values } of object.attributes.values()) {
    for (const value of values) attributes.push({ name, options: [], value: ldifValueOf(value) });
  }
  return renderLdifRecord({ kind: 'content', dn: object.dn, line: 0, attributes });
}

/** Sets objectClass from the object type when an object created by export has none. */
export function completeLdifObject(object: FileObject, config: LdifConnectorConfig): void {
  if (object.attributes.has('objectclass') || object.objectType === null) return;
  const objectType = object.objectType;
  const objectClass = Object.entries(config.objectClassMap).find(([, type]) => type === objectType)?.[0] ?? objectType;
  object.attributes.set('objectclass', { name: 'objectClass', values: [objectClass] });
}

/** Every LDIF value can be written (base64 where needed); only the value types are checked. */
export function checkLdifChanges(changes: readonly AttributeChange[]): string | null {
  for (const change of changes) {
    const values =
      change.operation === 'delete'
        ? []
        : change.operation === 'update'
          ? [...change.add, ...change.remove]
          : change.values;
    for (const value of values) {
      try {
        valueToText(value);
      } catch {
        return `attribute "${change.name}" has a value that is not an attribute value`;
      }
    }
  }
  return null;
}

/** An LDIF rewrite: `version: 1`, then records separated by blank lines. */
export function createLdifRewriter(): FileRewriter {
  let isStarted = false;
  const start = (): string => {
    if (isStarted) return '';
    isStarted = true;
    return 'version: 1\n\n';
  };
  return {
    keep: (item) => (item.raw === '' ? '' : start() + item.raw + '\n'),
    render: (object) => start() + renderLdifObject(object) + '\n',
    finish: () => start(),
  };
}
