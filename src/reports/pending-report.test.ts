import { describe, expect, it } from 'vitest';
import {
  allObjects,
  bobUpdate,
  Collector,
  danDelete,
  expectGolden,
  fromArray,
  hostile,
} from '../../test/fixtures/reports/cs-objects.js';
import type { CsObject } from '../core/connector-space.js';
import { summarizePending } from './pending-counts.js';
import { writePendingReport, type PendingFormat, type PendingReportResult } from './pending-report.js';
import { parsePendingOperations, planPendingRow, type PendingOperation } from './pending-rows.js';

async function report(
  format: PendingFormat,
  objects: readonly CsObject[] = allObjects,
  operations?: readonly PendingOperation[],
): Promise<{ text: string; result: PendingReportResult }> {
  const out = new Collector();
  const options = operations ? { format, connector: 'cloud', operations } : { format, connector: 'cloud' };
  const result = await writePendingReport(fromArray(objects), out, options);
  return { text: out.text, result };
}

describe('writePendingReport', () => {
  it('writes the CSV report exactly as the golden file', async () => {
    await expectGolden('pending-all.golden.csv', (await report('csv')).text);
  });

  it('writes the JSON report exactly as the golden file, and it parses as one array', async () => {
    const { text } = await report('json');
    await expectGolden('pending-all.golden.json', text);
    expect(JSON.parse(text)).toHaveLength(6);
  });

  it('writes the table report exactly as the golden file', async () => {
    await expectGolden('pending-all.golden.txt', (await report('table')).text);
  });

  it('counts what it wrote by kind and skips objects without an unapplied export', async () => {
    const { result } = await report('json');
    expect(result).toEqual({ objects: 6, counts: { adds: 3, updates: 1, renames: 1, deletes: 1 } });
  });

  it('keeps only the requested operations, renames counting as updates', async () => {
    const { text, result } = await report('json', allObjects, ['update', 'delete']);
    const rows = JSON.parse(text) as { kind: string }[];
    expect(rows.map((r) => r.kind)).toEqual(['update', 'rename', 'delete']);
    expect(result.counts).toEqual({ adds: 0, updates: 1, renames: 1, deletes: 1 });
  });

  it('shows old values with escrow applied, new values and the producing sync rule', () => {
    const row = planPendingRow(bobUpdate)!;
    expect(row.changes.find((c) => c.attribute === 'displayName')).toMatchObject({
      oldValues: ['Bob Smith'],
      newValues: ['Bob Q. Smith'],
      rule: 'Out to AAD - User Identity',
    });
    expect(row.changes.find((c) => c.attribute === 'proxyAddresses')).toMatchObject({
      added: ['smtp:bq@contoso.com'],
      removed: ['smtp:bs@contoso.com'],
    });
  });

  it('reads the identifiers of a delete from the synchronized hologram', () => {
    expect(planPendingRow(danDelete)?.identifiers).toEqual({
      userPrincipalName: 'dan@contoso.com',
      displayName: 'Dan Old',
      sourceAnchor: 'RGFu',
      mail: 'dan@contoso.com',
    });
  });

  it('escapes control characters in the table so values cannot drive the terminal', async () => {
    const { text } = await report('table', [hostile]);
    expect(text).toContain('bell\\u0007 tab\\u0009line\\u000aend');
  });
});

describe('the HTML pending report', () => {
  it('is one self-contained page with no external URL', async () => {
    const { text } = await report(
      'html',
      allObjects.filter((o) => o !== hostile),
    );
    expect(text.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(text).not.toMatch(/\b(src|href)=/i);
    expect(text).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(text).toContain('<style>');
    expect(text).toContain('id="filter"');
  });

  it('renders a hostile displayName and sync rule inert', async () => {
    const { text } = await report('html', [hostile]);
    expect(text).not.toContain('<script>alert(1)');
    expect(text).not.toContain('</script><b>');
    expect(text).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    expect(text.match(/<script/g)).toHaveLength(3);
    expect(text.match(/<\/script>/g)).toHaveLength(3);
  });

  it('embeds counts per operation and per attribute', async () => {
    const { text } = await report('html');
    const stats = JSON.parse(/<script type="application\/json" id="stats">(.*?)<\/script>/.exec(text)![1]!) as {
      counts: Record<string, number>;
      attributes: [string, number][];
    };
    expect(stats.counts).toEqual({ adds: 3, updates: 1, renames: 1, deletes: 1 });
    expect(stats.attributes).toContainEqual(['displayName', 3]);
  });

  it('escapes the connector name in the page', async () => {
    const out = new Collector();
    await writePendingReport(fromArray([]), out, { format: 'html', connector: '<b>x</b>' });
    expect(out.text).toContain('<title>Pending exports: &#60;b&#62;x&#60;/b&#62;</title>');
  });
});

describe('parsePendingOperations', () => {
  it('accepts a comma-separated subset and rejects anything else naming --operation', () => {
    expect(parsePendingOperations('add, Delete')).toEqual(['add', 'delete']);
    expect(() => parsePendingOperations('add,rename')).toThrow(/--operation: "rename".*accepted: add, update, delete/);
  });
});

describe('summarizePending', () => {
  it('says in one line what promoting this server would export per connector', () => {
    expect(
      summarizePending([
        ['corp-ad', { adds: 0, updates: 0, renames: 0, deletes: 0 }],
        ['cloud', { adds: 12, updates: 1, renames: 2, deletes: 3 }],
      ]),
    ).toBe(
      'promoting this server now would export: corp-ad: 0 adds, 0 updates, 0 renames, 0 deletes; cloud: 12 adds, 1 update, 2 renames, 3 deletes',
    );
  });

  it('accepts a record and says so when there is no connector', () => {
    expect(summarizePending({ cloud: { adds: 1, updates: 0, renames: 0, deletes: 0 } })).toBe(
      'promoting this server now would export: cloud: 1 add, 0 updates, 0 renames, 0 deletes',
    );
    expect(summarizePending([])).toBe('promoting this server now would export: nothing (no connectors)');
  });
});
