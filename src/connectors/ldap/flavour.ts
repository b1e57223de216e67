import type { Client, Control, Entry as LdaptsEntry } from 'ldapts';
import type { LdapConnectorConfig } from '../../config/index.js';
import type { Entry } from '../../core/connector-space.js';
import type { ExportRequest, ImportItem, ImportOptions } from '../../core/connector.js';

/**
 * What differs between directory servers behind the one `ldap` connector. The connector
 * (ldap-connector.ts) owns connections, binding, TLS, paged full import, entry mapping, export
 * and error translation; a flavour supplies the anchor, delta import and directory-specific
 * export adjustments. `openldap` lives in openldap/, `activedirectory` in activedirectory/.
 *
 * CONTRACT between the two flavours' authors: members may be added (optional ones preferably);
 * do not change the meaning of existing ones without updating both flavours.
 */
export interface LdapFlavour {
  readonly name: LdapConnectorConfig['flavour'];
  /** Attribute that holds the immutable identifier: `entryUUID` (OpenLDAP) or `objectGUID` (AD). */
  readonly anchorAttribute: string;
  /** Attributes always read as binary (Buffer) whatever the config says. */
  readonly binaryAttributes: readonly string[];
  /** Operational attributes a full import must request explicitly (entryUUID is operational). */
  readonly extraAttributes: readonly string[];
  /** Anchor text from the anchor attribute's raw value (entryUUID as is; objectGUID as base64). */
  anchorOf(raw: string | Buffer): string;
  /**
   * The delta position to resume from, read BEFORE a full import starts so that changes made
   * during the import are read again by the next delta import (re-reading is harmless).
   */
  currentWatermark(session: LdapSession): Promise<string>;
  /**
   * Changes since `watermark`, in order, ending with a `watermark` item. Throws
   * `ConnectorError(kind 'watermark-rejected')` when the position is no longer valid (expired
   * accesslog, rejected DirSync cookie): the engine then runs a full import.
   */
  deltaImport(session: LdapSession, watermark: string, options?: ImportOptions): AsyncIterable<ImportItem>;
  /**
   * The attributes written when an object is added (e.g. AD: userAccountControl default, no
   * anchor attribute since the server assigns it). Default: the request's target as is.
   */
  prepareAdd?(request: ExportRequest, target: Entry): Entry;
}

/** A bound connection to one configured server, with the connector's mapping helpers. */
export interface LdapSession {
  readonly client: Client;
  readonly config: LdapConnectorConfig;
  /** The attributes a full import requests (inclusion list or `*`, objectClass, anchor, extra attributes). */
  readonly requestAttributes: readonly string[];
  /** Paged subtree search under `base`, yielding raw entries page by page (filter already escaped). */
  searchPages(
    base: string,
    filter: string,
    attributes: readonly string[],
    controls?: readonly Control[],
  ): AsyncIterable<readonly LdaptsEntry[]>;
  /**
   * Maps a raw entry to an import item: `entry` when it is in scope (containers, object types)
   * with attributes filtered, binary kept binary, references as Reference values; `error` when it
   * is malformed (no anchor, ...); null when it is out of scope.
   */
  toImportItem(raw: LdaptsEntry): ImportItem | null;
  /** Whether a DN is inside the configured containers (inclusion/exclusion). */
  isInScope(dn: string): boolean;
}
