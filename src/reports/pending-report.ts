import type { CsObject } from '../core/connector-space.js';
import { BufferedOutput } from './buffered-output.js';
import { PendingCounter, type PendingCounts } from './pending-counts.js';
import {
  csvPendingRenderer,
  jsonPendingRenderer,
  tablePendingRenderer,
  type PendingRenderer,
} from './pending-formats.js';
import { htmlPendingRenderer } from './pending-html.js';
import { matchesOperations, planPendingRow, type PendingOperation } from './pending-rows.js';
import { compareNames } from './apply-delta.js';

export const PENDING_FORMATS = ['table', 'csv', 'json', 'html'] as const;
export type PendingFormat = (typeof PENDING_FORMATS)[number];

/** Options of `writePendingReport`. */
export interface PendingReportOptions {
  readonly format: PendingFormat;
  /** Connector name, shown in the table and HTML headings. */
  readonly connector: string;
  /** Only these operations (`update` includes renames); all when absent. */
  readonly operations?: readonly PendingOperation[];
}

/** What `writePendingReport` wrote. */
export interface PendingReportResult {
  readonly objects: number;
  readonly counts: PendingCounts;
}

function rendererFor(format: PendingFormat, connector: string): PendingRenderer {
  switch (format) {
    case 'table':
      return tablePendingRenderer(connector);
    case 'csv':
      return csvPendingRenderer();
    case 'json':
      return jsonPendingRenderer();
    case 'html':
      return htmlPendingRenderer(connector);
  }
}

/**
 * Writes the pending-export report ("beyond Microsoft") for `objects` (objects without an unapplied
 * export are skipped), streamed in the given order: per object its identifiers and, per attribute,
 * old value(s) → new value(s) and the sync rule that produced them. Formats: `table` (terminal),
 * `csv`, `json` (one array, one object per line), `html` (one self-contained page). Memory holds one
 * object plus a per-attribute counter. Does not end `out`.
 */
export async function writePendingReport(
  objects: AsyncIterable<CsObject>,
  out: NodeJS.WritableStream,
  options: PendingReportOptions,
): Promise<PendingReportResult> {
  const renderer = rendererFor(options.format, options.connector);
  const output = new BufferedOutput(out);
  const counter = new PendingCounter();
  const attributes = new Map<string, number>();
  let count = 0;
  output.push(renderer.start());
  for await (const cs of objects) {
    const row = planPendingRow(cs);
    if (!row || !matchesOperations(row.kind, options.operations)) continue;
    counter.add(row.kind);
    count++;
    for (const change of row.changes) attributes.set(change.attribute, (attributes.get(change.attribute) ?? 0) + 1);
    output.push(renderer.row(row));
    await output.flushIfFull();
  }
  const counts = counter.toCounts();
  const sorted = [...attributes].sort(([a], [b]) => compareNames(a, b));
  output.push(renderer.end({ objects: count, counts, attributes: sorted }));
  await output.flush();
  return { objects: count, counts };
}
