import type { EntraConnectorConfig } from './entra-connector-schema.js';
import type { LdapConnectorConfig } from './ldap-connector-schema.js';
import type { ScimConnectorConfig } from './scim-connector-schema.js';

/**
 * Validated connector configurations, as produced by the config schema (`schema.ts`).
 * Connectors import their own shape from here; paths are already resolved to absolute paths.
 */
export interface FileConnectorCommon {
  readonly name: string;
  /** Absolute path of the directory file. */
  readonly path: string;
  /** Attribute holding the anchor; `dn` means the DN itself is the anchor. */
  readonly anchorAttribute: string;
  /** When the anchor attribute is binary (objectGUID), anchors are its base64 text. */
  readonly binaryAttributes: readonly string[];
  readonly referenceAttributes: readonly string[];
  /** Attributes kept by import; empty means all. */
  readonly attributeInclusion: readonly string[];
  /** Object types imported; empty means all. */
  readonly objectTypes: readonly string[];
  /** Generate an anchor (random UUID) for objects created by export when they have none. */
  readonly generateAnchorOnAdd: boolean;
}

export interface LdifConnectorConfig extends FileConnectorCommon {
  readonly type: 'ldif';
  /**
   * objectClass value → object type. An entry's object type is the first of its objectClass values
   * (most specific first: the last value is tried first) found in this map; if none, the last objectClass value.
   */
  readonly objectClassMap: Readonly<Record<string, string>>;
}

export interface CsvConnectorConfig extends FileConnectorCommon {
  readonly type: 'csv';
  /** Column holding the DN. */
  readonly dnColumn: string;
  /** Column holding the object type; when absent, `objectType` applies to every row. */
  readonly objectTypeColumn: string | null;
  readonly objectType: string;
  readonly multiValueSeparator: string;
  readonly delimiter: string;
  readonly encoding: 'utf8' | 'utf16le' | 'latin1';
}

export type { LdapConnectorConfig } from './ldap-connector-schema.js';
export type { ScimConnectorConfig } from './scim-connector-schema.js';
export type { EntraConnectorConfig } from './entra-connector-schema.js';

/** Connector types whose configuration names files: their `path` is resolved against the config's folder. */
export type FileConnectorConfig = LdifConnectorConfig | CsvConnectorConfig;

export type ConnectorConfig = FileConnectorConfig | LdapConnectorConfig | ScimConnectorConfig | EntraConnectorConfig;
