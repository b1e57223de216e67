/**
 * Reports: Microsoft-compatible csexport XML (writer and streaming reader), CSExportAnalyzer-style
 * CSV, csanalyzer.ps1-style identifier CSVs, and idsync's own pending-export report
 * (table/CSV/JSON/HTML). Every writer and reader streams. Formats: docs/reports.md.
 */
export { applyDelta, diffAttributes } from './apply-delta.js';
export { CSANALYZER_HEADER, csAnalyzerRow, runCsAnalyzer } from './csanalyzer.js';
export type { CsAnalyzerOptions, CsAnalyzerResult } from './csanalyzer.js';
export { ALL_CSEXPORT_PARTS, parseCsExportFilter, parseCsExportParts } from './csexport-filter.js';
export type { CsExportFilter, CsExportParts } from './csexport-filter.js';
export { attributeValues } from './csexport-object.js';
export type {
  CsExportAttribute,
  CsExportDelta,
  CsExportEntry,
  CsExportError,
  CsExportObject,
  CsExportValue,
} from './csexport-object.js';
export { readCsExport } from './csexport-reader.js';
export { encodeCsExportValue } from './csexport-xml.js';
export { CSEXPORT_PROLOGUE, formatCsGuid, writeCsExport } from './csexport-writer.js';
export type { CsExportOptions, CsExportResult } from './csexport-writer.js';
export { analyzeExport, EXPORT_ANALYZER_HEADER } from './export-analyzer.js';
export type { ExportAnalyzerResult } from './export-analyzer.js';
export { DEFAULT_MULTIVALUED_ATTRIBUTES } from './multivalued.js';
export { classifyPending, PENDING_KINDS, summarizePending } from './pending-counts.js';
export type { PendingCounts, PendingKind } from './pending-counts.js';
export { PENDING_CSV_HEADER } from './pending-formats.js';
export { PENDING_FORMATS, writePendingReport } from './pending-report.js';
export type { PendingFormat, PendingReportOptions, PendingReportResult } from './pending-report.js';
export { matchesOperations, parsePendingOperations, PENDING_OPERATIONS, planPendingRow } from './pending-rows.js';
export type { PendingChange, PendingIdentifiers, PendingOperation, PendingRow } from './pending-rows.js';
export { ReportInputError } from './report-input-error.js';
export type { ReportInputWhere } from './report-input-error.js';
