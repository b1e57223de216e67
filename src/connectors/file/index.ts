export { FileConnector } from './file-connector.js';
export { createLdifConnector, createLdifFormat, type LdifConnector } from './ldif-connector.js';
export { createCsvConnector, createCsvFormat, type CsvConnector } from './csv-connector.js';
export { LdifParser, parseLdif, parseLdifChunks } from './ldif-parser.js';
export type {
  LdifAttributeValue,
  LdifControl,
  LdifItem,
  LdifModification,
  LdifRecord,
  LdifValue,
} from './ldif-record.js';
export { foldLdifLine, isSafeLdifString, renderLdifLine, renderLdifRecord } from './ldif-writer.js';
export { CsvParser, parseCsv, type CsvItem } from './csv-parser.js';
export { renderCsvRow } from './csv-writer.js';
export { writeFileAtomically } from './atomic-file.js';
