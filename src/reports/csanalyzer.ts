import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { valueToText } from '../core/values.js';
import { BufferedOutput, endStream } from './buffered-output.js';
import { attributeValues, type CsExportEntry, type CsExportObject } from './csexport-object.js';
import { readCsExport } from './csexport-reader.js';
import { csvRow } from './text-escape.js';

/** csanalyzer.ps1's columns, in its order. */
export const CSANALYZER_HEADER = [
  'ID',
  'Type',
  'DN',
  'operation',
  'UPN',
  'displayName',
  'sourceAnchor',
  'alias',
  'primarySMTP',
  'onPremisesSamAccountName',
  'mail',
] as const;

/** Options of `runCsAnalyzer`. */
export interface CsAnalyzerOptions {
  /** Objects per file; csanalyzer.ps1's `-batchsize`, 1000 by default. */
  readonly batchSize?: number;
  /** Directory for `processedbatch<n>.csv`; created when missing. */
  readonly outDir: string;
}

/** What `runCsAnalyzer` wrote. */
export interface CsAnalyzerResult {
  /** Paths written, in batch order; empty when the input held no `cs-object`. */
  readonly files: readonly string[];
  readonly objects: number;
  /** Objects per `unapplied-export` operation (`add`, `update`, `delete`, ...; `none` when absent). */
  readonly operations: Readonly<Record<string, number>>;
  /** Human summary; `Imported XML file is empty. No work to do.` as the original says, when empty. */
  readonly message: string;
}

/**
 * csanalyzer.ps1's job: reads a csexport file and writes `processedbatch1.csv`, `processedbatch2.csv`,
 * ... in `outDir`, `batchSize` objects per file (the last holds the remainder), one row per `cs-object`
 * with csanalyzer's columns, every field quoted (PowerShell `Export-Csv -NoTypeInformation` style),
 * CRLF line endings, UTF-8 without BOM, formula-neutralised. The original's defects are fixed: a
 * delete reads identifiers from the synchronized hologram; `primarySMTP` is the `proxyAddresses`
 * value with the case-sensitive `SMTP:` prefix, wherever it sits; `onPremisesSamAccountName` and
 * `mail` are filled. Identifiers come from the unapplied-export hologram (else the synchronized one).
 */
export async function runCsAnalyzer(
  input: NodeJS.ReadableStream,
  options: CsAnalyzerOptions,
): Promise<CsAnalyzerResult> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const files: string[] = [];
  const operations: Record<string, number> = {};
  let current: { stream: NodeJS.WritableStream; output: BufferedOutput; rows: number } | null = null;
  let objects = 0;
  try {
    for await (const object of readCsExport(input)) {
      if (!current) {
        if (files.length === 0) await mkdir(options.outDir, { recursive: true });
        const path = join(options.outDir, `processedbatch${files.length + 1}.csv`);
        files.push(path);
        const stream = createWriteStream(path);
        current = { stream, output: new BufferedOutput(stream), rows: 0 };
        current.output.push(csvRow(CSANALYZER_HEADER, true));
      }
      const row = csAnalyzerRow(object);
      operations[row[3] || 'none'] = (operations[row[3] || 'none'] ?? 0) + 1;
      current.output.push(csvRow(row, true));
      objects++;
      current.rows++;
      await current.output.flushIfFull();
      if (current.rows === batchSize) {
        await closeBatch(current);
        current = null;
      }
    }
  } finally {
    if (current) await closeBatch(current);
  }
  const message =
    objects === 0
      ? 'Imported XML file is empty. No work to do.'
      : `Found ${Object.entries(operations)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([op, n]) => `${n} ${op}`)
          .join(', ')} operations in ${objects} objects; wrote ${files.length} file(s)`;
  return { files, objects, operations, message };
}

async function closeBatch(batch: { stream: NodeJS.WritableStream; output: BufferedOutput }): Promise<void> {
  await batch.output.flush();
  await endStream(batch.stream);
}

/** One csanalyzer row (cells before quoting) for an object. */
export function csAnalyzerRow(object: CsExportObject): string[] {
  const delta = object.unappliedExport;
  const operation = delta?.operation ?? '';
  const image = identifierImage(object, operation);
  const first = (name: string): string => {
    const value = attributeValues(image, name)[0];
    return value ? valueToText(value.value) : '';
  };
  const firstOf = (...names: string[]): string => names.map(first).find((v) => v !== '') ?? '';
  const primary = attributeValues(image, 'proxyAddresses')
    .map((v) => valueToText(v.value))
    .find((v) => v.startsWith('SMTP:'));
  return [
    object.id,
    object.objectType,
    delta?.dn ?? object.csDn,
    operation,
    first('userPrincipalName'),
    first('displayName'),
    first('sourceAnchor'),
    firstOf('alias', 'mailNickname'),
    primary === undefined ? '' : primary.slice('SMTP:'.length),
    firstOf('onPremisesSamAccountName', 'sAMAccountName'),
    first('mail'),
  ];
}

/** Deletes (and objects without a future image) read identifiers from what the engine last saw. */
function identifierImage(object: CsExportObject, operation: string): CsExportEntry | null {
  if (operation === 'delete')
    return object.synchronizedHologram ?? object.pendingImportHologram ?? object.escrowedExportHologram;
  return (
    object.unappliedExportHologram ??
    object.escrowedExportHologram ??
    object.synchronizedHologram ??
    object.unappliedExport
  );
}
