import type { LdifConnectorConfig } from '../../config/connector-config.js';
import { FileConnector, type FileConnectorOptions } from './file-connector.js';
import type { FileFormat } from './file-format.js';
import { createFileSchema } from './file-object.js';
import { checkLdifChanges, completeLdifObject, createLdifRewriter, mapLdifItem } from './ldif-mapping.js';
import { parseLdifChunks } from './ldif-parser.js';

/** The LDIF (RFC 2849, UTF-8) side of a file connector. */
export function createLdifFormat(config: LdifConnectorConfig): FileFormat {
  const schema = createFileSchema(config);
  const classMap = new Map(Object.entries(config.objectClassMap).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    encoding: 'utf8',
    alwaysKept: new Set(['objectclass']),
    async *parse(chunks) {
      for await (const item of parseLdifChunks(chunks)) {
        const mapped = mapLdifItem(item, schema, classMap);
        if (mapped) yield mapped;
      }
    },
    completeObject: (object) => completeLdifObject(object, config),
    checkChanges: checkLdifChanges,
    createRewriter: () => createLdifRewriter(),
  };
}

/**
 * A connector over an LDIF directory file: content records (and `changetype: add`) are the objects;
 * other change records are reported as errors. Export rewrites the file atomically.
 */
export type LdifConnector = FileConnector;

/** Creates the connector of an LDIF directory file. */
export function createLdifConnector(config: LdifConnectorConfig, options?: FileConnectorOptions): LdifConnector {
  return new FileConnector(config, createLdifFormat(config), options);
}
