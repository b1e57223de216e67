import { readdirSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LdifConnectorConfig } from '../../config/connector-config.js';
import type { ExportRequest, ImportEntry } from '../../core/connector.js';
import type { AttributeValue } from '../../core/values.js';
import {
  ldifTestConfig,
  collect,
  createTempDir,
  exportRequest,
  fixturePath,
  streamOf,
  temporaryFiles,
} from '../../../test/fixtures/file/support.js';
import { createLdifConnector } from './ldif-connector.js';
import { parseLdif } from './ldif-parser.js';

let dir: string;
let cleanup: () => Promise<void>;
let path: string;

beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir());
  path = join(dir, 'directory.ldif');
  await copyFile(fixturePath('directory.ldif'), path);
});
afterEach(() => cleanup());

function config(overrides: Partial<LdifConnectorConfig> = {}): LdifConnectorConfig {
  return ldifTestConfig(path, overrides);
}

const JANE = 'CN=Doe\\, Jane,OU=People,DC=example,DC=com';
const BOSS = 'CN=Boss,OU=People,DC=example,DC=com';
const guid = (n: number): string => Buffer.alloc(16, n).toString('base64');

async function exportAll(requests: ExportRequest[], overrides: Partial<LdifConnectorConfig> = {}) {
  return collect(createLdifConnector(config(overrides)).export(streamOf(requests)));
}

async function importedEntries(): Promise<ImportEntry[]> {
  const items = await collect(createLdifConnector(config()).fullImport());
  return items.flatMap((i) => (i.kind === 'entry' ? [i.entry] : []));
}

const byDn = (found: ImportEntry[], dn: string) => found.find((e) => e.dn === dn);

describe('LdifConnector export', () => {
  it('adds an object with a generated anchor and writes it to the file', async () => {
    const add = exportRequest('add', 'CN=New,OU=People,DC=example,DC=com', [
      { operation: 'add', name: 'cn', values: ['New'] },
      { operation: 'add', name: 'manager', values: [{ ref: BOSS }] },
    ]);
    const [result] = await exportAll([add]);
    expect(result).toMatchObject({ csId: add.csId, ok: true, dn: add.dn, anchor: expect.any(String) });
    const created = byDn(await importedEntries(), add.dn);
    expect(created).toMatchObject({ objectType: 'person', anchor: result?.ok ? result.anchor : '' });
    expect(created?.attributes).toMatchObject({ objectClass: ['user'], cn: ['New'], manager: [{ ref: BOSS }] });
  });

  it('modifies an object located by anchor, with replace, update and delete changes', async () => {
    const update = exportRequest(
      'update',
      JANE,
      [
        { operation: 'replace', name: 'mail', values: ['jane.doe@example.com'] },
        { operation: 'delete', name: 'description' },
        { operation: 'add', name: 'employeeNumber', values: [42] },
        { operation: 'add', name: 'isActive', values: [true] },
      ],
      { anchor: guid(1) },
    );
    const members = exportRequest(
      'update',
      'CN=Admins,OU=Groups,DC=example,DC=com',
      [
        {
          operation: 'update',
          name: 'member',
          add: [{ ref: 'CN=New,DC=example,DC=com' }],
          remove: [{ ref: 'cn=boss, ou=people, dc=example, dc=com' }],
        },
      ],
      { objectType: 'group' },
    );
    expect(await exportAll([update, members])).toEqual([
      { csId: update.csId, ok: true, anchor: guid(1), dn: JANE },
      { csId: members.csId, ok: true, anchor: guid(3), dn: 'CN=Admins,OU=Groups,DC=example,DC=com' },
    ]);
    const found = await importedEntries();
    const jane = byDn(found, JANE)?.attributes;
    expect(jane?.['mail']).toEqual(['jane.doe@example.com']);
    expect(jane?.['description']).toBeUndefined();
    expect([jane?.['employeeNumber'], jane?.['isActive']]).toEqual([['42'], ['TRUE']]);
    expect(byDn(found, 'CN=Admins,OU=Groups,DC=example,DC=com')?.attributes['member']).toEqual([
      { ref: JANE },
      { ref: 'CN=New,DC=example,DC=com' },
    ]);
  });

  it('renames an object and deletes another, keeping untouched records byte for byte', async () => {
    const before = await readFile(path, 'utf8');
    const rename = exportRequest('update', BOSS, [], { newDn: 'CN=Chief,OU=People,DC=example,DC=com' });
    const remove = exportRequest('delete', JANE, [], { anchor: guid(1) });
    expect(await exportAll([rename, remove])).toEqual([
      { csId: rename.csId, ok: true, anchor: guid(2), dn: 'CN=Chief,OU=People,DC=example,DC=com' },
      { csId: remove.csId, ok: true, anchor: guid(1), dn: JANE },
    ]);
    const after = await readFile(path, 'utf8');
    expect(after).not.toContain('dn: CN=Doe');
    expect(after).toContain('dn: CN=Chief,OU=People,DC=example,DC=com\n');
    const admins = before.slice(before.indexOf('dn: CN=Admins'), before.indexOf('dn: CN=NoGuid'));
    expect(after).toContain(admins);
    expect(after).toContain('dn: CN=Change,DC=example,DC=com\nchangetype: modify\n');
  });

  it('reports existing, missing and rename-to-existing conflicts per request and applies the rest', async () => {
    const requests = [
      exportRequest('add', BOSS.toLowerCase(), [{ operation: 'add', name: 'cn', values: ['x'] }]),
      exportRequest('update', 'CN=Ghost,DC=example,DC=com', [{ operation: 'replace', name: 'cn', values: ['x'] }]),
      exportRequest('delete', 'CN=Ghost,DC=example,DC=com', [], { anchor: guid(9) }),
      exportRequest('update', JANE, [], { newDn: BOSS }),
      exportRequest('update', BOSS, [{ operation: 'replace', name: 'title', values: ['CEO'] }]),
    ];
    const results = await exportAll(requests);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.type))).toEqual([
      'cd-existing-object',
      'cd-missing-object',
      'cd-missing-object',
      'rename-to-existing-dn',
      'ok',
    ]);
    expect(byDn(await importedEntries(), BOSS)?.attributes['title']).toEqual(['CEO']);
  });

  it('creates the file when it does not exist yet', async () => {
    const newPath = join(dir, 'new.ldif');
    const add = exportRequest('add', 'CN=First,DC=example,DC=com', [
      { operation: 'add', name: 'cn', values: ['First'] },
    ]);
    const [result] = await exportAll([add], { path: newPath });
    expect(result?.ok).toBe(true);
    const text = await readFile(newPath, 'utf8');
    expect(text.startsWith('version: 1\n\ndn: CN=First,DC=example,DC=com\n')).toBe(true);
  });

  it('refuses an add without an anchor value when generateAnchorOnAdd is off', async () => {
    const add = exportRequest('add', 'CN=X,DC=example,DC=com', [{ operation: 'add', name: 'cn', values: ['X'] }]);
    const [result] = await exportAll([add], { generateAnchorOnAdd: false });
    expect(result).toMatchObject({
      ok: false,
      error: { type: 'syntax-violation', message: expect.stringContaining('objectGUID') },
    });
  });

  it('round-trips hostile DNs and values through export and import', async () => {
    const dn = "CN=O\\'Brien\\, Seán \\+ co\\;,OU=Ünits,DC=example,DC=com";
    const values: Record<string, AttributeValue[]> = {
      cn: ["O'Brien, Seán + co;"],
      description: ['line one\nline two\r\n', ' leading', 'trailing ', ':colon', '<angle'],
      info: ['x'.repeat(500)],
      jpegPhoto: [new Uint8Array([0, 10, 13, 255])],
    };
    const add = exportRequest(
      'add',
      dn,
      Object.entries(values).map(([name, v]) => ({ operation: 'add' as const, name, values: v })),
    );
    const [result] = await exportAll([add], { binaryAttributes: ['objectGUID', 'jpegPhoto'] });
    expect(result?.ok).toBe(true);
    expect((await readFile(path, 'utf8')).split('\n').every((line) => line.length <= 76)).toBe(true);
    const items = await collect(
      createLdifConnector(config({ binaryAttributes: ['objectGUID', 'jpegPhoto'] })).fullImport(),
    );
    const entry = items.flatMap((i) => (i.kind === 'entry' ? [i.entry] : [])).find((e) => e.dn === dn);
    expect(entry?.attributes).toMatchObject(values);
  });

  it('refuses a value that is not an attribute value before writing anything', async () => {
    const before = await readFile(path);
    const bad = exportRequest('update', BOSS, [
      { operation: 'replace', name: 'title', values: [{ ref: 42 } as unknown as AttributeValue] },
    ]);
    expect((await exportAll([bad]))[0]).toMatchObject({ ok: false, error: { type: 'syntax-violation' } });
    expect(await readFile(path)).toEqual(before);
  });

  it('leaves the original byte-identical and no temporary file when writing fails midway', async () => {
    const before = await readFile(path);
    // The signal is polled after each record; fail the first poll that happens while the temporary file exists.
    const failingSignal = {
      throwIfAborted() {
        if (readdirSync(dir).some((name) => name.endsWith('.tmp'))) throw new Error('simulated disk failure');
      },
    } as unknown as AbortSignal;
    const requests = [
      exportRequest('update', JANE, [{ operation: 'replace', name: 'title', values: ['Engineer'] }]),
      exportRequest('delete', BOSS),
    ];
    const connector = createLdifConnector(config());
    await expect(collect(connector.export(streamOf(requests), { signal: failingSignal }))).rejects.toThrow(
      'simulated disk failure',
    );
    expect(await readFile(path)).toEqual(before);
    expect(await temporaryFiles(dir)).toEqual([]);
  });

  it('consumes the whole batch before yielding the first result', async () => {
    const seen: string[] = [];
    async function* requests() {
      for (const r of [
        exportRequest('update', BOSS, [{ operation: 'replace', name: 'title', values: ['A'] }]),
        exportRequest('update', JANE, [{ operation: 'replace', name: 'title', values: ['B'] }]),
      ]) {
        seen.push(r.csId);
        yield r;
      }
    }
    const connector = createLdifConnector(config());
    const iterator = connector.export(requests())[Symbol.asyncIterator]();
    await iterator.next();
    expect(seen).toHaveLength(2);
    const text = await readFile(path, 'utf8');
    expect(parseLdif(text).filter((i) => i.kind === 'record')).toHaveLength(6);
    expect(text).toContain('title: A\n');
    expect(text).toContain('title: B\n');
  });
});
