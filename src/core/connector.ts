import type { AttributeChange, Entry, ObjectDelta } from './connector-space.js';

/** A full image of one directory object as an import reads it. */
export interface ImportEntry extends Entry {
  /** The directory's immutable identifier (objectGUID as base64, entryUUID, SCIM id, ...). */
  readonly anchor: string;
}

/**
 * What an import yields, in directory order. A connector never reads the store: the engine matches
 * entries to CS objects, stages pending imports and commits each `watermark` in the same store
 * transaction as every item yielded before it.
 */
export type ImportItem =
  /** Full image: every object of a full import; an added or replaced object of a delta import. */
  | { readonly kind: 'entry'; readonly entry: ImportEntry }
  /** Delta import only: attribute-level changes to an object (DirSync's incremental member values). */
  | {
      readonly kind: 'modify';
      readonly anchor: string;
      readonly dn: string;
      readonly newDn?: string;
      readonly objectType: string;
      readonly changes: readonly AttributeChange[];
    }
  /** Delta import only: the object is gone. */
  | { readonly kind: 'delete'; readonly anchor: string; readonly dn?: string }
  /** A record that could not be read; the rest of the import continues. */
  | {
      readonly kind: 'error';
      readonly message: string;
      readonly dn?: string;
      readonly anchor?: string;
      readonly position?: string;
    }
  /** A delta import announces that what follows is a complete listing (objects absent are deleted). */
  | { readonly kind: 'complete-listing' }
  /** The delta position covering every item before it. */
  | { readonly kind: 'watermark'; readonly watermark: string };

export interface ImportOptions {
  readonly signal?: AbortSignal;
  /** Directory page size where the protocol pages (LDAP, SCIM, Graph). */
  readonly pageSize?: number;
}

/** One pending export handed to a connector. */
export interface ExportRequest {
  readonly csId: string;
  /** The DN the directory currently knows the object by (for adds: the DN to create). */
  readonly dn: string;
  readonly anchor: string | null;
  readonly objectType: string;
  readonly delta: ObjectDelta;
  /** The unapplied-export hologram: the whole object as it will be after this export (null for deletes). */
  readonly target: Entry | null;
}

export interface ExportFailure {
  /** Engine vocabulary: `cd-existing-object`, `cd-missing-object`, `permission-issue`, `syntax-violation`, `cd-error`, ... */
  readonly type: string;
  readonly code?: string;
  readonly message: string;
  readonly detail?: string;
  readonly isRetryable: boolean;
}

export type ExportResult =
  | { readonly csId: string; readonly ok: true; readonly anchor?: string; readonly dn?: string }
  | { readonly csId: string; readonly ok: false; readonly error: ExportFailure };

export interface ExportOptions {
  readonly signal?: AbortSignal;
}

export interface ConnectorCapabilities {
  /** `native`: the directory reports changes; `difference`: delta import compares full listings. */
  readonly deltaImport: 'native' | 'difference';
  readonly canExport: boolean;
  /** Attributes whose values are references (member, manager): imported as `Reference` values. */
  readonly referenceAttributes: readonly string[];
}

/**
 * The engine's adapter to one connected directory. Implementations live in `connectors/<tech>/`;
 * vendor errors are translated there into `ConnectorError`. Whole-operation failures throw;
 * per-object problems are `error` items or failed `ExportResult`s.
 */
export interface Connector {
  readonly name: string;
  readonly capabilities: ConnectorCapabilities;
  fullImport(options?: ImportOptions): AsyncIterable<ImportItem>;
  /** Throws `ConnectorError` of kind `watermark-rejected` when the position is no longer valid. */
  deltaImport(watermark: string, options?: ImportOptions): AsyncIterable<ImportItem>;
  /** Exports and yields one result per request (in any order). */
  export(requests: AsyncIterable<ExportRequest>, options?: ExportOptions): AsyncIterable<ExportResult>;
  close(): Promise<void>;
}
