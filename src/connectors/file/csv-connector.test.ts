import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CsvConnectorConfig } from '../../config/connector-config.js';
import type { ImportEntry, ImportItem } from '../../core/connector.js';
import {
  collect,
  createTempDir,
  csvTestConfig,
  exportRequest,
  fixturePath,
  streamOf,
} from '../../../test/fixtures/file/support.js';
import { createCsvConnector } from './csv-connector.js';

let dir: string;
let cleanup: () => Promise<void>;
let path: string;

beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir());
  path = join(dir, 'directory.csv');
  await copyFile(fixturePath('directory.csv'), path);
});
afterEach(() => cleanup());

function config(overrides: Partial<CsvConnectorConfig> = {}): CsvConnectorConfig {
  return csvTestConfig(path, overrides);
}

const JANE = 'CN=Doe\\, Jane,OU=People,DC=example,DC=com';
const entries = (items: readonly ImportItem[]): ImportEntry[] =>
  items.flatMap((i) => (i.kind === 'entry' ? [i.entry] : []));
const importAll = (overrides: Partial<CsvConnectorConfig> = {}) =>
  collect(createCsvConnector(config(overrides)).fullImport());

describe('CsvConnector import', () => {
  it('maps rows to entries with split, binary and reference values and reports bad rows', async () => {
    const items = await importAll();
    expect(items.map((i) => i.kind)).toEqual(['entry', 'entry', 'error', 'error', 'entry', 'watermark']);
    const [jane, admins] = entries(items);
    expect(jane).toEqual({
      dn: JANE,
      objectType: 'user',
      anchor: 'u1',
      attributes: { id: ['u1'], mail: ['jane@example.com', 'j.doe@example.com'], photo: [new Uint8Array([1, 2, 3])] },
    });
    expect(admins?.attributes['member']).toEqual([{ ref: JANE }, { ref: 'CN=Boss,OU=People,DC=example,DC=com' }]);
    expect(items[2]).toMatchObject({
      kind: 'error',
      message: 'entry "CN=NoId,OU=People,DC=example,DC=com" has no value for anchor attribute "id"',
      position: 'line 4',
    });
    expect(items[3]).toMatchObject({
      kind: 'error',
      message: 'line 5: expected 6 fields, found 3',
      position: 'line 5',
    });
  });

  it('keeps values that look like formulas as they are', async () => {
    const found = entries(await importAll());
    expect(found.find((e) => e.anchor === 'f1')?.attributes['mail']).toEqual(['@SUM(A1)']);
  });

  it('uses the fixed object type when there is no object type column and filters by objectTypes', async () => {
    await writeFile(path, 'dn,id\n"CN=A,DC=x",a\n');
    expect(entries(await importAll({ objectTypeColumn: null })).map((e) => e.objectType)).toEqual(['person']);
    expect(entries(await importAll({ objectTypeColumn: null, objectTypes: ['group'] }))).toEqual([]);
  });

  it('throws an input error when the header lacks the DN column', async () => {
    await writeFile(path, 'name,id\nx,1\n');
    await expect(importAll()).rejects.toMatchObject({
      name: 'ConnectorError',
      kind: 'input',
      message: expect.stringContaining('no DN column "dn"'),
    });
  });

  it.each(['utf16le', 'latin1'] as const)('reads and writes %s files', async (encoding) => {
    const bom = encoding === 'utf16le' ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0);
    await writeFile(
      path,
      Buffer.concat([bom, Buffer.from('dn,type,id,cn\r\n"CN=Zoë,DC=x",user,z1,Zoë Ñandú\r\n', encoding)]),
    );
    expect(entries(await importAll({ encoding }))[0]?.attributes['cn']).toEqual(['Zoë Ñandú']);
    const rename = exportRequest('update', 'CN=Zoë,DC=x', [
      { operation: 'replace', name: 'cn', values: ['Zoé Müller'] },
    ]);
    expect((await collect(createCsvConnector(config({ encoding })).export(streamOf([rename]))))[0]?.ok).toBe(true);
    const bytes = await readFile(path);
    expect(bytes.subarray(0, bom.length)).toEqual(bom);
    expect(entries(await importAll({ encoding }))[0]?.attributes['cn']).toEqual(['Zoé Müller']);
  });

  it('strips a UTF-8 byte order mark', async () => {
    await writeFile(
      path,
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('dn,type,id\n"CN=A,DC=x",user,a\n')]),
    );
    expect(entries(await importAll())[0]?.anchor).toBe('a');
  });
});

describe('CsvConnector export', () => {
  it('adds a column for a new attribute and round-trips hostile values', async () => {
    const hostile = ['=HYPERLINK("x")', 'multi\nline', 'with "quotes", and commas'];
    const add = exportRequest('add', 'CN=Hostile\\, Value,DC=example,DC=com', [
      { operation: 'add', name: 'title', values: hostile.slice(0, 1) },
      { operation: 'add', name: 'note', values: hostile.slice(1) },
    ]);
    const [result] = await collect(createCsvConnector(config()).export(streamOf([add])));
    expect(result).toMatchObject({ ok: true, anchor: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const text = await readFile(path, 'utf8');
    expect(text.split('\r\n')[0]).toBe('dn,type,id,mail,member,photo,title,note');
    const found = entries(await importAll()).find((e) => e.dn === add.dn);
    expect(found?.attributes).toMatchObject({ title: [hostile[0]], note: hostile.slice(1) });
    expect(found?.objectType).toBe('person');
  });

  it('keeps untouched rows byte for byte when no column is added', async () => {
    const before = await readFile(path, 'utf8');
    const update = exportRequest(
      'update',
      JANE,
      [{ operation: 'update', name: 'mail', add: [], remove: ['j.doe@example.com'] }],
      { anchor: 'u1' },
    );
    const del = exportRequest('delete', 'CN=Formula,DC=example,DC=com');
    expect((await collect(createCsvConnector(config()).export(streamOf([update, del])))).map((r) => r.ok)).toEqual([
      true,
      true,
    ]);
    const after = await readFile(path, 'utf8');
    const lines = before.split('\r\n');
    expect(after).toBe(
      [
        lines[0],
        '"CN=Doe\\, Jane,OU=People,DC=example,DC=com",user,u1,jane@example.com,,AQID',
        lines[2],
        lines[3],
        lines[4],
        '',
      ].join('\r\n'),
    );
  });

  it('refuses a value containing the multi-value separator', async () => {
    const update = exportRequest('update', JANE, [{ operation: 'replace', name: 'mail', values: ['a;b'] }]);
    const [result] = await collect(createCsvConnector(config()).export(streamOf([update])));
    expect(result).toMatchObject({
      ok: false,
      error: { type: 'syntax-violation', message: expect.stringContaining('separator') },
    });
  });
});
