import type { CsvConnectorConfig } from '../../config/connector-config.js';
import { FileConnector, type FileConnectorOptions } from './file-connector.js';
import type { FileFormat } from './file-format.js';
import { createFileSchema } from './file-object.js';
import { checkCsvChanges, createCsvRewriter, layoutOf, mapCsvRow, type CsvLayout } from './csv-mapping.js';
import { CsvParser } from './csv-parser.js';

/** The CSV (RFC 4180) side of a file connector: header row, then one object per row. */
export function createCsvFormat(config: CsvConnectorConfig): FileFormat {
  const schema = createFileSchema(config);
  return {
    encoding: config.encoding,
    alwaysKept: new Set(),
    async *parse(chunks) {
      const parser = new CsvParser(config.delimiter);
      let layout: CsvLayout | null = null;
      const items = async function* () {
        for await (const chunk of chunks) yield* parser.push(chunk);
        yield* parser.end();
      };
      for await (const item of items()) {
        if (layout !== null) yield mapCsvRow(item, layout, config, schema);
        else if (item.kind === 'row') {
          layout = layoutOf(item.fields, config);
          yield { kind: 'other', raw: item.raw };
        } else yield { kind: 'invalid', line: item.line, raw: item.raw, message: item.message };
      }
    },
    completeObject: () => undefined,
    checkChanges: (changes) => checkCsvChanges(changes, config.multiValueSeparator),
    createRewriter: (attributeNames) => createCsvRewriter(config, attributeNames),
  };
}

/** A connector over a CSV directory file; export rewrites the file atomically. */
export type CsvConnector = FileConnector;

/** Creates the connector of a CSV directory file. */
export function createCsvConnector(config: CsvConnectorConfig, options?: FileConnectorOptions): CsvConnector {
  return new FileConnector(config, createCsvFormat(config), options);
}
