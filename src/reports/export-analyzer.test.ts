import { describe, expect, it } from 'vitest';
import {
  allObjects,
  Collector,
  expectGolden,
  fromArray,
  hostile,
  readableOf,
  readFixture,
} from '../../test/fixtures/reports/cs-objects.js';
import type { CsObject } from '../core/connector-space.js';
import { writeCsExport } from './csexport-writer.js';
import { analyzeExport } from './export-analyzer.js';

async function csexport(objects: readonly CsObject[]): Promise<string> {
  const out = new Collector();
  await writeCsExport(fromArray(objects), out, { connector: 'cloud' });
  return out.text;
}

async function analyze(xml: string): Promise<{ csv: string; result: Awaited<ReturnType<typeof analyzeExport>> }> {
  const out = new Collector();
  const result = await analyzeExport(readableOf(xml, 4096), out);
  return { csv: out.text, result };
}

describe('analyzeExport', () => {
  it("analyzes idsync's own csexport of every fixture exactly as the golden file", async () => {
    await expectGolden('export-analyzer-all.golden.csv', (await analyze(await csexport(allObjects))).csv);
  });

  it('analyzes Microsoft-format files (updates, deletes, references, renames) exactly as the golden file', async () => {
    const { csv, result } = await analyze(await readFixture('ms-tower-single-line.xml'));
    await expectGolden('export-analyzer-ms-tower.golden.csv', csv);
    expect(result).toEqual({ objects: 4, rows: 10, adds: 0, updates: 3, deletes: 1, deleteAdds: 0, renames: 1 });
  });

  it('analyzes the §1.8 example with one add row per attribute', async () => {
    const { csv } = await analyze(await readFixture('ms-section-1.8-example.xml'));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'Object Identifier,DN,Object Type,OMODT,Attribute Name,AMODT,Values Added Count,Values Removed Count,Values Added,Values Removed',
    );
    expect(lines[3]).toBe(
      '{0D1C2B3A-4958-6776-8594-A3B2C1D0E0F1},CN={4C6D49376C5432486D55714F5A3977773644486D41413D3D},user,add,proxyAddresses,add,2,0,SMTP:jane@contoso.com;smtp:jd@contoso.com,',
    );
    expect(lines.at(-2)).toBe('Totals,adds=1,updates=0,deletes=0,delete-adds=0,renames=0');
  });

  it('neutralises spreadsheet formulas and quotes cells per RFC 4180', async () => {
    const { csv } = await analyze(await csexport([hostile]));
    expect(csv).toContain(`,userPrincipalName,add,1,0,"'=HYPERLINK(""http://evil.example"",""x"")",\r\n`);
    expect(csv).toContain(",mail,add,1,0,'@SUM(1+1),\r\n");
    expect(csv).toContain(",city,add,1,0,'+1+1,\r\n");
    expect(csv).toContain(",company,add,1,0,'-2+3,\r\n");
    expect(csv).toContain(",streetAddress,add,1,0,'\tindented,\r\n");
    expect(csv).toContain(',description,add,1,0,"bell\ufffd tab\tline\nend",\r\n');
    expect(csv).toContain(',sourceAnchor,add,1,0,a\\;b\\\\c,\r\n');
  });

  it('writes only the header and a zero totals row for a file without pending exports', async () => {
    const { csv } = await analyze('<cs-objects></cs-objects>');
    expect(csv.split('\r\n')).toHaveLength(3);
    expect(csv).toMatch(/\r\nTotals,adds=0,updates=0,deletes=0,delete-adds=0,renames=0\r\n$/);
  });
});
