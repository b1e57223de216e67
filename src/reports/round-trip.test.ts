import { describe, expect, it } from 'vitest';
import { allObjects, Collector, fromArray, readableOf } from '../../test/fixtures/reports/cs-objects.js';
import { writeCsExport } from './csexport-writer.js';
import { analyzeExport } from './export-analyzer.js';
import { writePendingReport } from './pending-report.js';

/** Minimal RFC 4180 parser for the test: quoted cells, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('the round trip', () => {
  it('agrees with the pending report: csexport → readCsExport → export-analyzer gives the same objects, operations and attributes', async () => {
    const xml = new Collector();
    await writeCsExport(fromArray(allObjects), xml, { connector: 'cloud' });
    const analyzerCsv = new Collector();
    await analyzeExport(readableOf(xml.text, 8192), analyzerCsv);
    const pendingCsv = new Collector();
    await writePendingReport(fromArray(allObjects), pendingCsv, { format: 'csv', connector: 'cloud' });

    const analyzer = parseCsv(analyzerCsv.text)
      .slice(1, -1)
      .filter((r) => r[4] !== 'dn')
      .map((r) => [r[0]!.slice(1, -1).toLowerCase(), r[1], r[3], r[4]].join('|'));
    const pending = parseCsv(pendingCsv.text)
      .slice(1)
      .map((r) => [r[0], r[1], r[4] === 'replace' ? 'update' : r[4], r[9]].join('|'));
    // csexport writes dn-attr before attr (schema order), so compare as sorted sets.
    expect(analyzer.sort()).toEqual(pending.sort());
    expect(analyzer).toHaveLength(26);
  });
});
