import type {
  CsExportAttribute,
  CsExportEntry,
  CsExportError,
  CsExportObject,
  CsExportValue,
} from './csexport-object.js';
import { parseRetryCount, parseValue } from './csexport-parse.js';
import type { XmlAttributes, XmlTokenHandler } from './xml-tokenizer.js';
import {
  ANCHOR,
  ATTR,
  DELTA,
  DN,
  DN_ATTR,
  DN_VALUE,
  DOCUMENT,
  ENTRY,
  ERROR_FIELDS,
  EXPORT_DETAIL,
  FLAGS,
  IGNORED,
  OBJECT,
  OBJECT_TEXT,
  OC_VALUE,
  PRIMARY_OBJECTCLASS,
  REPEATABLE,
  ROOT,
  SLOTS,
  STATUS,
  STATUS_TEXT,
  TEXT,
  VALUE,
  childKind,
} from './csexport-elements.js';
import type { HologramSlot } from './csexport-elements.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/** An entry or delta under construction. */
interface Image extends Mutable<Omit<CsExportEntry, 'objectClasses' | 'attributes'>> {
  objectClasses: string[];
  attributes: CsExportAttribute[];
}
type Values = Mutable<CsExportValue>[];
/** Lower-cased `type`, `string` when absent (returning the constant for the usual spellings). */
function attributeType(type: string | undefined): string {
  if (type === undefined || type === 'string') return 'string';
  return type === 'integer' || type === 'boolean' || type === 'binary' ? type : type.toLowerCase();
}

function isTrue(text: string | undefined): boolean {
  return text !== undefined && (text === '1' || text.toLowerCase() === 'true');
}

function emptyObject(attributes: XmlAttributes | null): Mutable<CsExportObject> {
  return {
    id: attributes?.get('id') ?? '',
    csDn: attributes?.get('cs-dn') ?? '',
    objectType: attributes?.get('object-type') ?? '',
    unappliedExport: null,
    escrowedExport: null,
    pendingImport: null,
    synchronizedHologram: null,
    unappliedExportHologram: null,
    escrowedExportHologram: null,
    pendingImportHologram: null,
    isConnector: null,
    connectorState: null,
    mvLink: null,
    exportError: null,
    importError: null,
    maName: null,
  };
}

/**
 * Builds `CsExportObject`s straight from tokens: one `cs-object` at a time, no element tree. Reads
 * what `docs/reports.md` describes; unknown elements are skipped with their content, and where the
 * format expects one child (a delta, an entry, an anchor, ...) the first one counts. Completed objects
 * collect in `ready` until the reader takes them.
 */
export class CsExportBuilder implements XmlTokenHandler {
  /** Objects completed since the reader last emptied the array. */
  readonly ready: CsExportObject[] = [];
  private readonly kinds: number[] = [DOCUMENT];
  private readonly seen: number[] = [0];
  private collected = '';
  private object: Mutable<CsExportObject> = emptyObject(null);
  private entry: Image | null = null;
  private attribute: Mutable<CsExportAttribute> & { values: Values } = {
    name: '',
    type: '',
    isMultivalued: false,
    operation: null,
    values: [],
  };
  private error: Mutable<CsExportError> | null = null;
  private valueOperation: string | null = null;
  private valueEncoding: string | undefined = undefined;
  private dn: string | null = null;

  /** `fail` reports a document that is not a csexport file (its root is not `cs-objects`). */
  constructor(private readonly fail: (message: string) => never) {}

  openTag(name: string, attributes: XmlAttributes): void {
    const depth = this.kinds.length - 1;
    const parent = this.kinds[depth]!;
    let kind = parent === IGNORED ? IGNORED : childKind(parent, name);
    if (kind === ROOT && name !== 'cs-objects')
      this.fail(`root element is <${name}>, expected <cs-objects>: not a csexport file`);
    if ((FLAGS[kind]! & REPEATABLE) === 0) {
      const bit = 1 << kind;
      const seen = this.seen[depth]!;
      if (seen & bit) kind = IGNORED;
      else this.seen[depth] = seen | bit;
    }
    this.kinds.push(kind);
    this.seen.push(0);
    if (FLAGS[kind]! & TEXT) this.collected = '';
    if (kind !== IGNORED) this.open(kind, parent, attributes);
  }

  private open(kind: number, parent: number, attributes: XmlAttributes): void {
    switch (kind) {
      case OBJECT:
        this.object = emptyObject(attributes);
        return;
      case DELTA:
      case ENTRY: {
        const entry: Image = {
          dn: attributes.get('dn') ?? '',
          anchor: null,
          primaryObjectClass: null,
          objectClasses: [],
          attributes: [],
        };
        if (kind === DELTA) {
          const operation = attributes.get('operation') ?? 'none';
          this.object[SLOTS[parent]!] = Object.assign(entry, {
            operation,
            newDn: attributes.get('newdn') ?? null,
          });
        } else this.object[SLOTS[parent] as HologramSlot] = entry;
        this.entry = entry;
        return;
      }
      case ATTR:
      case DN_ATTR:
        this.attribute = {
          name: attributes.get('name') ?? '',
          type: kind === DN_ATTR ? 'reference' : attributeType(attributes.get('type')),
          isMultivalued: isTrue(attributes.get('multivalued')),
          operation: attributes.get('operation') ?? null,
          values: [],
        };
        this.entry!.attributes.push(this.attribute);
        return;
      case VALUE:
      case DN_VALUE:
        this.valueOperation = attributes.get('operation') ?? null;
        this.valueEncoding = attributes.get('encoding');
        this.dn = null;
        return;
      case STATUS: {
        const error: Mutable<CsExportError> = {
          type: null,
          code: null,
          name: null,
          literal: null,
          detail: null,
          dateOccurred: null,
          firstOccurred: null,
          retryCount: null,
        };
        if (parent === EXPORT_DETAIL) this.object.exportError = error;
        else this.object.importError = error;
        this.error = error;
        return;
      }
    }
  }

  text(text: string): void {
    if (FLAGS[this.kinds[this.kinds.length - 1]!]! & TEXT) this.collected += text;
  }

  closeTag(): void {
    const kind = this.kinds.pop()!;
    this.seen.pop();
    if (kind !== IGNORED) this.close(kind);
  }

  private close(kind: number): void {
    const text = this.collected;
    switch (kind) {
      case OBJECT:
        this.ready.push(this.object);
        return;
      case VALUE: {
        const { type, name } = this.attribute;
        const value = parseValue(text, type, this.valueEncoding, name);
        this.attribute.values.push({ value, operation: this.valueOperation });
        return;
      }
      case DN:
        this.dn = text;
        return;
      case DN_VALUE:
        this.attribute.values.push({ value: { ref: this.dn ?? '' }, operation: this.valueOperation });
        return;
      case OC_VALUE:
        this.entry!.objectClasses.push(text.trim());
        return;
      case ANCHOR:
        this.entry!.anchor = text.trim();
        return;
      case PRIMARY_OBJECTCLASS:
        this.entry!.primaryObjectClass = text.trim();
        return;
      case OBJECT_TEXT.connector: {
        const connector = text.trim().toLowerCase();
        this.object.isConnector = connector === '1' || connector === 'true';
        return;
      }
      case OBJECT_TEXT['connector-state']:
        this.object.connectorState = text.trim();
        return;
      case OBJECT_TEXT['mv-link']:
        this.object.mvLink = text.trim();
        return;
      case OBJECT_TEXT['ma-name']:
        this.object.maName = text;
        return;
      case STATUS_TEXT['retry-count']:
        this.error!.retryCount = parseRetryCount(text);
        return;
      default: {
        const field = ERROR_FIELDS[kind];
        if (field !== undefined && field !== 'retryCount') this.error![field] = text;
      }
    }
  }
}
