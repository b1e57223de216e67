import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allObjects,
  Collector,
  expectGolden,
  fromArray,
  readableOf,
  readFixture,
} from '../../test/fixtures/reports/cs-objects.js';
import { runCsAnalyzer } from './csanalyzer.js';
import { writeCsExport } from './csexport-writer.js';

let outDir = '';
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'idsync-csanalyzer-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

async function ourCsExport(): Promise<string> {
  const out = new Collector();
  await writeCsExport(fromArray(allObjects), out, { connector: 'cloud' });
  return out.text;
}

describe('runCsAnalyzer', () => {
  it("writes csanalyzer's quoted columns for idsync's csexport exactly as the golden file", async () => {
    const result = await runCsAnalyzer(readableOf(await ourCsExport(), 4096), { outDir });
    expect(result.files).toEqual([join(outDir, 'processedbatch1.csv')]);
    await expectGolden('csanalyzer-all.golden.csv', await readFile(result.files[0]!, 'utf8'));
  });

  it('writes the header exactly as PowerShell Export-Csv does', async () => {
    const result = await runCsAnalyzer(readableOf(await readFixture('ms-section-1.8-example.xml')), { outDir });
    const text = await readFile(result.files[0]!, 'utf8');
    expect(text.split('\r\n')[0]).toBe(
      '"ID","Type","DN","operation","UPN","displayName","sourceAnchor","alias","primarySMTP","onPremisesSamAccountName","mail"',
    );
  });

  it('reads delete identifiers from the synchronized hologram and primarySMTP from the SMTP: value wherever it sits', async () => {
    const result = await runCsAnalyzer(readableOf(await readFixture('ms-tower-pretty.xml')), { outDir });
    const lines = (await readFile(result.files[0]!, 'utf8')).split('\r\n');
    expect(lines[1]).toBe(
      '"{A1B2C3D4-0000-4000-8000-000000000002}","user","CN={426F62}","update","jane@contoso.com","Jane Q. Doe","","","jane@contoso.com","",""',
    );
    expect(lines[2]).toBe(
      '"{D0D0D0D0-0000-4000-8000-000000000004}","user","CN={44616E}","delete","dan@contoso.com","Dan Old","RGFu","","dan@contoso.com","dan","dan@contoso.com"',
    );
    expect(result.operations).toEqual({ update: 3, delete: 1 });
  });

  it('batches objects into processedbatch files of batchSize, the last holding the remainder', async () => {
    const result = await runCsAnalyzer(readableOf(await ourCsExport(), 4096), { outDir, batchSize: 3 });
    expect(result.files.map((f) => f.slice(outDir.length + 1))).toEqual([
      'processedbatch1.csv',
      'processedbatch2.csv',
      'processedbatch3.csv',
    ]);
    const rows = await Promise.all(result.files.map(async (f) => (await readFile(f, 'utf8')).split('\r\n').length - 2));
    expect(rows).toEqual([3, 3, 1]);
    expect(result.objects).toBe(7);
  });

  it('writes no file and says so when the input holds no cs-object', async () => {
    const result = await runCsAnalyzer(readableOf('<?xml version="1.0"?><cs-objects></cs-objects>'), { outDir });
    expect(result).toEqual({
      files: [],
      objects: 0,
      operations: {},
      message: 'Imported XML file is empty. No work to do.',
    });
    expect(await readdir(outDir)).toEqual([]);
  });

  it('rejects a batch size below one', async () => {
    await expect(runCsAnalyzer(readableOf('<cs-objects/>'), { outDir, batchSize: 0 })).rejects.toThrow(/batchSize/);
  });
});
